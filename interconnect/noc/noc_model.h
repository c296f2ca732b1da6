// The one interface both NoC fidelities implement. The caller injects packets, advances time in
// cycles and collects reassembled packets with their timestamps. No SystemC here: the engines run
// (and are tested) without a kernel; NocFabric drives one from a SystemC process.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "noc/noc_config.h"
#include "noc/noc_packet.h"
#include "noc/noc_stats.h"

namespace star {

// The delivery of a packet timed at injection (NocModel::inject_timed).
struct DeliveryTiming {
  uint64_t head_cycle = 0, tail_cycle = 0;  // as DeliveredPacket's
  // The cycle the queued path (inject) releases the packet in, the tail's switch allocation at
  // the destination (before tail_cycle): advance_to past it hands the packet to take_delivered
  // and counts it in NocStats::packets_delivered and flits_delivered.
  uint64_t release_cycle = 0;
  uint32_t hops = 0;
};

// Told of each hop's link use as a model that counts at injection times it (NocModel::observe_links).
class NocLinkObserver {
 public:
  // `flits` flits leave by output `link` ([node * kNocPorts + port]) over the cycles
  // [from, from + cycles) (cycles >= flits when the packet is throttled).
  virtual void link_used(uint32_t link, uint64_t from, uint64_t cycles, uint64_t flits) = 0;

 protected:
  ~NocLinkObserver() = default;
};

class NocModel {
 public:
  virtual ~NocModel() = default;

  // Queues a packet at its source. Throws std::invalid_argument for a bad node, class, length or
  // a creation cycle in the past (before now()).
  virtual void inject(const NocPacket& packet) = 0;
  // Sends `packet` to every node of `dsts`: copy i is packet i + packet.id, delivered as a packet
  // to dsts[i] and counted as one packet in the statistics. Throws std::invalid_argument for an
  // empty list, a destination equal to the source or listed twice, or what inject rejects.
  // Default (and flit fidelity): source replication, one inject per destination in the order
  // given. The packet model overrides it with a dimension-order tree.
  virtual void inject_multicast(const NocPacket& packet, const std::vector<uint32_t>& dsts);
  // Whether inject takes a train of packets (NocPacket::packets > 1) and times it as one
  // message; otherwise the sender splits a long message into packets itself.
  virtual bool times_trains() const { return false; }
  // Whether the model computes a packet's whole path when it is injected, so that the cycle it
  // is delivered in is known then (the packet model): inject_timed can replace inject.
  virtual bool times_at_injection() const { return false; }
  // Whether a packet's statistics (NocStats link flits, energy counts, buffer stays: its whole
  // path) are added when it is injected rather than as its flits move (the packet model). A
  // measurement window's counts then belong to the packets injected in it, not to the flits that
  // moved in it; the two differ past saturation, where the sources queue ever further ahead.
  virtual bool counts_at_injection() const { return false; }
  // For a model that counts_at_injection: from now on tell `observer` (nullptr: nobody) each hop's
  // link use with the cycles it takes, so that a trace can place the flits in time. Others count
  // as the flits move and ignore it.
  virtual void observe_links(NocLinkObserver* observer) { (void)observer; }
  // Only for a model that times_at_injection (otherwise throws std::logic_error): injects like
  // inject (dsts empty: to packet.dst) or inject_multicast (to dsts) and returns the cycle the
  // last copy's tail is reassembled (DeliveredPacket::tail_cycle). Nothing is queued for
  // take_delivered: the copies count as delivered in the statistics at once.
  virtual uint64_t inject_timed(const NocPacket& packet, const std::vector<uint32_t>& dsts);
  // Only for a model that times_at_injection (otherwise throws std::logic_error): injects
  // `packet` like inject and writes when it is delivered into `timing`, queueing nothing (it
  // counts as delivered in the statistics at once). A driver that keeps its own delivery
  // statistics (run_synthetic_traffic) needs no queue and no advance_to scan.
  virtual void inject_timed(const NocPacket& packet, DeliveryTiming& timing);
  // From now on, counts in NocStats::window_link_flits the flits each output (ejection included)
  // sends in the cycles [begin, end), a flit in the cycle it wins the switch (where the flit model
  // counts link_flits), restarting from zero. A model that counts_at_injection places each hop's
  // flits over the cycles the hop takes, so that the counts are what the links carried in the
  // window, not what its injected packets will carry. A measurement window's accepted throughput
  // and link utilisation come from these counts (run_synthetic_traffic). Throws
  // std::invalid_argument when end < begin.
  virtual void count_window(uint64_t begin, uint64_t end) = 0;
  // Simulates every cycle before `cycle`; now() becomes `cycle`.
  virtual void advance_to(uint64_t cycle) = 0;
  virtual uint64_t now() const = 0;
  // Nothing queued or in flight (all injected packets delivered).
  virtual bool idle() const = 0;
  // Earliest cycle >= now() at which something can happen (a queued or in-flight packet);
  // UINT64_MAX when idle. Lets a driver skip idle time.
  virtual uint64_t next_activity_cycle() const = 0;
  // Moves the packets delivered so far (in delivery order) into `out` (appending).
  virtual void take_delivered(std::vector<DeliveredPacket>& out) = 0;
  virtual NocStats stats() const = 0;
  virtual const NocConfig& config() const = 0;

 protected:
  // The cycles count_window set: [begin, begin + cycles).
  struct CountWindow {
    uint64_t begin = 0, cycles = 0;
    // Throws std::invalid_argument when end < begin.
    static CountWindow between(uint64_t begin, uint64_t end);
    bool contains(uint64_t cycle) const { return cycle - begin < cycles; }
    // 0 before the window, 1 in it, 2 after it.
    size_t side(uint64_t cycle) const { return size_t(cycle >= begin) + size_t(cycle >= begin + cycles); }
    // The share of `flits` sent evenly over [from, from + span) that falls in the window (span 0
    // or 1: all or nothing at `from`).
    double share(uint64_t flits, uint64_t from, uint64_t span) const {
      if (span <= 1) return contains(from) ? double(flits) : 0.0;
      const uint64_t end = begin + cycles, lo = std::max(from, begin), hi = std::min(from + span, end);
      if (hi <= lo) return 0.0;
      return hi - lo == span ? double(flits) : double(flits) * double(hi - lo) / double(span);
    }
  };
  // Throws for a bad packet (see inject); `config` is the model's own (no virtual call per packet).
  static void check_packet(const NocPacket& packet, uint64_t now, const NocConfig& config, bool trains = false) {
    if (packet.src < config.nodes() && packet.dst < config.nodes() && packet.packets >= 1 &&
        packet.flits >= packet.packets && (packet.packets == 1 || trains) &&
        packet.flits <= uint64_t(kMaxPacketFlits) * packet.packets && packet.vc_class < config.num_vc_classes &&
        packet.created_cycle >= now)
      return;
    reject_packet(packet, now, config);
  }
  // Throws for a bad destination list (see inject_multicast) or a bad packet to any of them.
  static void check_multicast(const NocPacket& packet, const std::vector<uint32_t>& dsts, uint64_t now,
                              const NocConfig& config, bool trains = false);
  [[noreturn]] static void reject_packet(const NocPacket& packet, uint64_t now, const NocConfig& config);
};

// Builds the model that `config.fidelity` names (after config.validate()).
std::unique_ptr<NocModel> make_noc_model(const NocConfig& config);

}  // namespace star
