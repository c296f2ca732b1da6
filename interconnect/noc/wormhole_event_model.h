// Packet fidelity for single-VC wormhole routers (one VC per port, one class; enabled by
// NocConfig::packet_exact_wormhole): the flit model's timing, packet by packet, without per-cycle
// work. A head asks for its output when it is at the front of its input buffer and through route
// computation; an event at that cycle allocates the output round robin among the inputs whose
// head is ready, as the flit model's VC allocator does, once the previous owner's tail has left.
// Every other time is max-plus arithmetic, computed as soon as the grants it depends on are known:
// flit k leaves a router after its arrival plus the pipeline, one cycle after flit k-1 and once
// the downstream buffer has returned the credit of the flit `depth` places before it in that
// buffer's stream; at the source router it arrives when the interface writes it. Decisions are
// taken in cycle order and a value is computed only from decisions already taken, so nothing is
// revised. Tested against FlitNetworkModel for equality of every packet's head and tail cycle.
// docs/noc.md ("Exact single-VC wormhole").
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "noc/cycle_queue.h"
#include "noc/cycle_set_queue.h"
#include "noc/mesh_topology.h"
#include "noc/noc_model.h"
#include "noc/routing.h"

namespace star {

// kRing: the flits whose leave cycles each hop and buffer keep (a power of two, at least the
// buffers' depth); make_wormhole_event_model picks it.
template <uint32_t kRing>
class WormholeEventModel final : public NocModel {
 public:
  // Packet fidelity with packet_exact_wormhole (set here); throws std::invalid_argument for a
  // configuration the model does not take (NocConfig::validate) or buffers deeper than kRing.
  explicit WormholeEventModel(const NocConfig& config);

  void inject(const NocPacket& packet) override;
  void count_window(uint64_t begin, uint64_t end) override;
  void advance_to(uint64_t cycle) override;
  uint64_t now() const override { return now_; }
  bool idle() const override { return outstanding_ == 0; }
  uint64_t next_activity_cycle() const override;
  void take_delivered(std::vector<DeliveredPacket>& out) override;
  NocStats stats() const override;
  const NocConfig& config() const override { return config_; }

 private:
  static constexpr uint64_t kUnknown = ~uint64_t(0);
  static constexpr uint64_t kMaxSlotBytes = uint64_t(4) << 30;  // the packets in flight: 4 GiB
  // Leave cycles are kept in rings of kRing entries (the last kRing flits; kRing >= depth).
  static_assert((kRing & (kRing - 1)) == 0, "rings are indexed with a mask");
  static_assert(kRing <= 128, "a buffer's heads waiting behind earlier packets are counted in a byte");
  static constexpr uint64_t kMask = kRing - 1;
  // An input buffer (router, port): the leave cycles of its last kRing flits by stream index.
  struct Buffer {
    uint64_t entered = 0;   // stream indices handed out (flits that will enter, in order)
    uint64_t left = 0;      // flits whose leave cycle is known
    int32_t sender = -1;    // packet (slot) whose hop feeding this buffer waits for a credit
    uint32_t sender_hop = 0;
    // Heads in the buffer behind an earlier packet's flits (packets shorter than the buffer queue
    // up in it), oldest first: each asks for its output once the flits before it have left.
    uint8_t waiting_first = 0, waiting_count = 0;
    int32_t waiting_slot[kRing];
    uint8_t waiting_hop[kRing];
    uint64_t leave[kRing] = {};  // [stream % kRing]
  };
  struct Hop {
    uint64_t stream;        // stream index of the head flit in out_buffer
    uint64_t in_stream;     // ... and in in_buffer
    uint64_t grant;         // VC allocation cycle; kUnknown before
    uint64_t head_in;       // cycle the head is written into the input buffer
    uint32_t done;          // flits whose leave cycle is known
    uint32_t credit_from;   // first flit that needs a credit from out_buffer (set at the grant)
    uint32_t node;
    int32_t in_buffer;      // index of (node, in_port)
    int32_t out_buffer;     // downstream buffer; -1 at ejection
    uint8_t in_port, out;   // input buffer at node, output taken
    uint64_t t[kRing];      // [k % kRing]: cycle flit k leaves (switch allocation)
  };
  struct Packet {
    NocPacket packet;
    uint32_t hops = 0;        // inter-router links
    uint32_t length = 0;      // routers on its path
    uint64_t written = 0;     // cycle the interface wrote the last flit timed so far into the local buffer
    uint64_t head_out = 0;    // the head's switch allocation at the destination
  };
  struct Output {
    int32_t owner = -1;
    uint64_t free_from = 0;           // first cycle a head may be allocated it
    uint8_t rr = 0;                   // round-robin pointer over input ports
    uint8_t mask = 0;                 // input ports with a head waiting
    int32_t waiting[kNocPorts] = {};  // the waiting packet per input port
    uint8_t waiting_hop[kNocPorts] = {};  // ... and the index of this router on its path
    uint64_t ready[kNocPorts] = {};   // its VC-allocation ready cycle
  };

  void progress(int32_t slot, uint32_t hop);  // times what it can of a hop, then what follows
  void request(int32_t slot, uint32_t hop);   // the head of `hop` asks for its output
  void schedule(uint32_t output, uint64_t cycle);
  int32_t admit(const NocPacket& packet);  // a slot and the path
  void start_interface(int32_t slot);
  void drain();
  void allocate(uint32_t output, uint64_t cycle);

  NocConfig config_;
  MeshTopology mesh_;
  MeshCoordinates coords_;
  uint32_t depth_, sa_offset_, va_offset_, st_cycles_, va_to_sa_;
  uint64_t to_router_;             // a head leaves a router -> its earliest switch allocation at the next
  uint64_t body_to_router_;        // ... a body flit (shorter with NocConfig::body_flit_bypass)
  uint32_t body_sa_offset_;        // a body flit's cycles from its write to switch allocation
  uint64_t credit_router_;         // a flit leaves a router -> its credit is back upstream
  uint32_t stride_;     // path entries per packet slot (width + height)
  uint64_t now_ = 0, outstanding_ = 0;
  std::vector<Buffer> buffers_;      // [node * ports + port]
  std::vector<Output> outputs_;      // [node * ports + port]
  // A node's network interface: whether it is writing a packet (whose source-router hop is not
  // fully timed), the first cycle it may write the next head, and the packets waiting behind.
  struct Source {
    bool busy = false;
    uint64_t free = 0;
    std::deque<NocPacket> queue;
  };
  std::vector<Source> sources_;
  std::vector<Packet> slots_;
  std::vector<Hop> paths_;        // [slot * stride_ + hop]
  std::vector<int32_t> free_slots_;
  std::vector<std::pair<int32_t, uint32_t>> work_;  // (slot, hop) to progress
  std::vector<uint32_t> restarts_;                  // sources whose interface is free for the next packet
  CycleSetQueue events_;                      // outputs to allocate
  CycleQueue<DeliveredPacket, 512> pending_;  // deliveries by the tail's switch allocation
  std::vector<DeliveredPacket> delivered_;
  CountWindow window_;  // count_window's: each flit counted as its switch allocation is timed
  NocStats stats_;  // occupancy_flit_cycles: each flit's whole stay, counted when its leave is timed
};

// The model for `config` (packet_exact_wormhole): rings of 8 for buffers of up to 8 flits, of 16 up
// to 16, else of NocConfig::kExactWormholeMaxBuffer.
std::unique_ptr<NocModel> make_wormhole_event_model(const NocConfig& config);

}  // namespace star
