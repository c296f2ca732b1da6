// Request-combining multicast of key tiles (Spatial-STAR query_split_multicast; docs/mesh.md).
//
// The cores sharing a K/V head form a group and run one-block jobs in lockstep stripes: in stripe
// s every member works on a query block of the same head(s) and streams the same tiles (whole
// tiles, CoreJob::stream_kv_tiles): attention-only jobs the K and V tiles (each byte read once
// per job), full-layer jobs the X tiles their K_hat and K/V rows are generated from (each byte
// read twice per job: prediction, then K/V generation). The hub is the agent at the memory
// controllers that combines their reads. A stream is read in address order, once or twice per
// job (its passes); the hub follows each member's position in every pass, and a read is the
// hub's when it starts at that position (full-layer X streams: and is the fetcher's tile-cut
// burst there, so a member's own Q rows of X that share an address go to the network interface).
// Rounds are keyed by byte ranges of (stripe, pass), not by the reader's burst size:
//   - a member reading bytes nobody has requested yet in its stripe and pass (its read starts at
//     the end of what the group has requested) sends a request packet to the controller owning
//     them; the controller reads that range from DRAM once and sends it back as ONE multicast
//     packet (response class) to every member of the stripe whose stream contains its start;
//   - a member reading bytes already requested takes them from the rounds covering its read
//     (delivered: from its receive buffer; in flight: it waits), and requests only the rest.
// So members whose bursts differ (performance-mode macro cells: bursts of up to 32 x
// max_burst_bytes from each macro cell's first tile, the last cell of a shorter causal job
// shorter) still read every byte of the union of their streams from DRAM exactly once per
// stripe and pass, as with one tile per cell.
// Buffering: a round occupies a subscriber's receive buffer from its delivery until that
// subscriber has read past it (or past the end of its own stream); the rounds a group has in
// flight (issued, not yet consumed by all) are bounded to `buffer_bytes`: a member that would
// issue a new round beyond the bound waits until the oldest rounds are consumed (a round always
// fits an empty buffer). A member waiting for room has consumed every round before its position,
// and a round in flight waits only for members behind in that pass, which can proceed.
// Functional mode: the round carries the DRAM bytes; every member's read returns them (a timed
// read with a data pointer gets the data; the cores' timing-only bursts ignore it).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "noc/noc_fabric.h"
#include "star_core/core_job.h"

namespace star {

struct MulticastStats {
  std::uint64_t rounds = 0;          // bursts read from DRAM once and multicast
  std::uint64_t dram_bytes = 0;      // bytes of those reads
  std::uint64_t copies = 0;          // member reads served
  std::uint64_t delivered_bytes = 0; // bytes those reads returned to the members
  std::uint64_t buffer_high_water = 0;  // most bytes in flight in one group
  std::uint64_t waits_for_buffer = 0;   // new rounds held back by the buffer bound
  std::uint64_t errors = 0;          // reads the hub could not serve (error response)
  std::uint64_t stranded = 0;        // copies delivered but never read (should stay 0)
  MulticastStats since(const MulticastStats& before) const;
};

// One member's job in a stripe of its group.
struct MulticastJob {
  std::uint32_t stripe = 0;
  CoreJob job;
};

struct MulticastGroupSpec {
  std::vector<std::uint32_t> cores;              // members (core indices)
  std::vector<std::uint32_t> nodes;              // their routers
  std::vector<std::vector<MulticastJob>> jobs;   // per member, in run order
  std::uint64_t buffer_bytes = 0;                // bound on the group's rounds in flight
};

class MulticastHub : public sc_core::sc_module {
 public:
  using Socket = tlm_utils::simple_initiator_socket<MulticastHub>;
  // `controller_nodes[m]` is the router of controller m; bind memory_socket(m) to its memory.
  MulticastHub(sc_core::sc_module_name name, NocFabric& fabric,
               std::vector<std::uint32_t> controller_nodes, std::uint64_t controller_bytes,
               std::uint32_t max_burst_bytes, bool functional);
  ~MulticastHub() override;

  Socket& memory_socket(std::uint32_t m) { return *sockets_.at(m); }

  // Replaces the groups (outside the simulation, no round in flight). Throws
  // std::invalid_argument for inconsistent specs (a core in two groups, a job that is not
  // attention-only with stream_kv_tiles and one K/V head, stripes out of order).
  void configure(std::vector<MulticastGroupSpec> groups);
  void clear() { configure({}); }
  // Core `core` starts its job of `stripe` (the dispatcher calls this before starting the job).
  void begin_job(std::uint32_t core, std::uint32_t stripe);
  // Whether a timed read of `length` bytes of core `core` at `address` belongs to its current
  // job's streams.
  bool serves(std::uint32_t core, std::uint64_t address, std::uint64_t length) const;
  // Serves such a read (blocking: waits the annotated delay, then for the data).
  void read(std::uint32_t core, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  const MulticastStats& stats() const { return stats_; }

 private:
  struct Extent {
    std::uint64_t base = 0, bytes = 0, tile_bytes = 0;
    std::uint32_t reads = 1;  // passes over the stream per job
    bool tile_bursts = false;  // reads must be the fetcher's bursts cut from each tile (X streams)
    bool contains(std::uint64_t a) const { return a >= base && a - base < bytes; }
    std::uint64_t end() const { return base + bytes; }
    // The fetcher's burst starting at `a` (bursts of max_burst cut from each tile).
    std::uint64_t burst_at(std::uint64_t a, std::uint64_t max_burst) const;
  };
  struct MemberStripe {
    std::vector<Extent> streams;
    const Extent* find(std::uint64_t a) const;
  };
  struct Key {
    std::uint32_t stripe;
    std::uint32_t occurrence;  // the pass over the stream
    std::uint64_t address;     // a round's first byte, or a stream's base
    bool operator<(const Key& o) const {
      return stripe != o.stripe ? stripe < o.stripe
                                : occurrence != o.occurrence ? occurrence < o.occurrence : address < o.address;
    }
  };
  struct Round;
  struct Group {
    std::vector<std::uint32_t> cores, nodes;
    std::vector<std::map<std::uint32_t, MemberStripe>> stripes;  // [member][stripe]
    std::uint64_t buffer_bytes = 0, in_flight = 0;
    std::map<Key, std::unique_ptr<Round>> rounds;  // by first byte
    std::map<Key, std::uint64_t> requested;  // per (stripe, pass, stream base): end of the bytes requested
    std::unique_ptr<sc_core::sc_event> freed;
  };
  struct Membership {
    std::int32_t group = -1;
    std::uint32_t member = 0, stripe = 0;
    bool active = false;
    std::vector<std::vector<std::uint64_t>> next;  // this stripe: [stream][pass] next burst address
  };

  // The stream and pass a read of core `who` at `address` of `length` bytes continues, or false.
  bool locate(const Membership& who, std::uint64_t address, std::uint64_t length, std::size_t& stream,
              std::uint32_t& pass) const;
  // The round of `g` holding byte `a` of (stripe, pass), or end().
  std::map<Key, std::unique_ptr<Round>>::iterator covering(Group& g, std::uint32_t stripe, std::uint32_t pass,
                                                           std::uint64_t a);
  void issue(Group& g, Round& r, std::uint32_t requester_node, std::uint64_t address);
  void release(Group& g, std::map<Key, std::unique_ptr<Round>>::iterator it, std::uint32_t member);
  void multicast(std::uint32_t src, const std::vector<std::uint32_t>& dsts, std::uint32_t flits);

  NocFabric& fabric_;
  std::vector<std::uint32_t> controller_nodes_;
  std::uint64_t controller_bytes_;
  std::uint32_t max_burst_;
  bool functional_;
  std::vector<std::unique_ptr<Socket>> sockets_;
  std::vector<Group> groups_;
  std::vector<Membership> members_;  // [core]
  MulticastStats stats_;
};

}  // namespace star
