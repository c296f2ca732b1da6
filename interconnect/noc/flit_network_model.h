// Cycle-level flit network: input-buffered virtual-channel routers with credit-based wormhole flow
// control, a configurable pipeline (route computation, VC allocation, switch allocation, switch
// traversal) and link latency, separable round-robin allocators (switch allocation in one or more
// iterations, NocConfig::switch_alloc_iterations).
//
// Written for speed as a plain C++ engine (BookSim-like, no SystemC): all buffers are fixed rings
// allocated once, only routers holding flits are visited each cycle, and time jumps over cycles in
// which nothing is in flight. A flit sent over a link is written into the downstream buffer at
// once, stamped with its arrival cycle; the credit it consumed guarantees the slot exists.
//
// Timing (R = router_stages, L = link_latency): a flit written into an input buffer at cycle a may
// win switch allocation at a + max(R-2, 0) (R >= 3: the head's VC allocation in an earlier cycle),
// traverses the switch in the next cycle and is written downstream at a + R + L. A packet of F
// flits over h links therefore arrives (tail reassembled) (h+1)*R + h*L + F-1 cycles after its
// creation when the network is empty. With NocConfig::body_flit_bypass a body flit skips route
// computation and VC allocation (its packet holds the output VC): it may win switch allocation in
// the cycle it is written, as in BookSim2's input-queued router.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "noc/mesh_topology.h"
#include "noc/routing.h"
#include "noc/noc_model.h"

namespace star {

class FlitNetworkModel final : public NocModel {
 public:
  explicit FlitNetworkModel(const NocConfig& config);

  void inject(const NocPacket& packet) override;
  void count_window(uint64_t begin, uint64_t end) override;
  void advance_to(uint64_t cycle) override;
  uint64_t now() const override { return now_; }
  bool idle() const override { return outstanding_packets_ == 0; }
  uint64_t next_activity_cycle() const override;
  void take_delivered(std::vector<DeliveredPacket>& out) override;
  NocStats stats() const override;
  const NocConfig& config() const override { return config_; }

  // Flits currently in router buffers (including those still on a link towards one).
  uint64_t flits_in_network() const { return flits_in_network_; }
  uint32_t router_occupancy(uint32_t node) const { return router_flits_[node]; }

 private:
  // 16 bytes; carries what routing needs so the packet table is touched only at the ends.
  struct Flit {
    uint64_t arrive;   // cycle the flit is written into this buffer
    uint32_t slot;     // packet slot
    uint16_t dst;      // destination node
    uint8_t vc_class;
    uint8_t flags;     // kHead | kTail
  };
  static constexpr uint8_t kHead = 1, kTail = 2;
  struct InputVc {  // 32 bytes: the allocators read these, not the flit rings
    uint32_t first = 0;         // ring index of the front flit
    uint32_t count = 0;
    uint8_t va_rr = 0;          // round-robin start over candidate output VCs
    int8_t out_port = -1;       // route of the packet at the front (after RC)
    int8_t out_vc = -1;         // output VC held by that packet (after VA)
    uint8_t front_class = 0;    // copies of the front flit's fields: route computation and the
    uint16_t front_dst = 0;     // readiness tests do not touch the flit ring
    uint64_t va_cycle = 0;      // cycle VA succeeded
    uint64_t front_ready = 0;   // first cycle the front flit may win switch allocation
  };
  struct Credit {
    uint64_t due;
    uint32_t port;  // output port of the router the credit returns to
    uint32_t vc;
  };
  // Credits travelling back to one router. They all take link + credit latency and are sent in
  // time order, so one FIFO per router (not per port) holds them in due order.
  struct CreditRing {
    uint32_t first = 0, count = 0;
  };
  struct PacketSlot {
    NocPacket packet;
    uint64_t head_cycle = 0;
  };
  struct SourceQueue {
    std::deque<uint32_t> slots;  // packets waiting at the network interface, oldest first
    uint32_t next_seq = 0;       // next flit of the front packet
    int32_t vc = -1;             // local input VC the front packet is being written into
  };

  void step();
  void inject_from_source(uint32_t node);
  void apply_credits(uint32_t router);
  void allocate_vcs(uint32_t router);
  void allocate_switch(uint32_t router);
  uint32_t allocate_switch_again(uint32_t router, uint32_t inputs, uint32_t& granted);
  void traverse(uint32_t router, uint8_t in_port, uint32_t vc);
  void write_flit(uint32_t router, uint8_t port, uint32_t vc, const Flit& flit);
  void touch_occupancy(uint32_t router);
  uint32_t free_slots_towards(uint32_t router, uint8_t port, uint32_t vc_class) const;

  // Bit p set when masks[p] (one router's per-port VC masks) is not zero.
  static uint32_t nonzero_ports(const uint16_t* masks) {
    return uint32_t(masks[0] != 0) | uint32_t(masks[1] != 0) << 1 | uint32_t(masks[2] != 0) << 2 |
           uint32_t(masks[3] != 0) << 3 | uint32_t(masks[4] != 0) << 4;
  }
  // i, or 0 when i == n (a round-robin pointer's or ring index's step past its end), without a
  // branch (it would mispredict about once per wrap).
  static uint32_t wrap(uint32_t i, uint32_t n) { return i & -uint32_t(i != n); }
  // A port's VC mask rotated so that bit i stands for VC vc_after(ptr, i): scanning its bits
  // upwards visits the VCs in round-robin order from `ptr` (ptr < vcs_ <= 16).
  uint32_t rotate_right(uint32_t mask, uint32_t ptr) const {
    return ((mask >> ptr) | (mask << (vcs_ - ptr))) & ((1u << vcs_) - 1u);
  }
  uint32_t vc_after(uint32_t ptr, uint32_t i) const {
    const uint32_t v = ptr + i;
    return v >= vcs_ ? v - vcs_ : v;
  }
  size_t vc_index(uint32_t router, uint32_t port, uint32_t vc) const {
    return (size_t(router) * kNocPorts + port) * vcs_ + vc;
  }
  Flit& front(size_t ivc) { return flits_[ivc * depth_ + input_vcs_[ivc].first]; }

  NocConfig config_;
  MeshTopology mesh_;
  MeshCoordinates coords_;
  // Dimension-order routing (xy, yx): the output depends only on the signs of the offsets,
  // dor_ports_[(sign(dx) + 1) * 3 + sign(dy) + 1].
  bool dimension_order_ = false;
  uint8_t dor_ports_[9] = {};
  std::vector<uint32_t> neighbour_;  // [router * kNocPorts + port]: the router a link leads to
  bool crosses_dateline(uint8_t port, uint32_t src, uint32_t dst) const;
  uint32_t vcs_, depth_, vcs_per_class_;
  uint32_t sa_offset_, va_offset_, st_cycles_;
  // A body flit's cycles from its write to switch allocation (sa_offset_, or 0 with
  // body_flit_bypass), and a head's from VC to switch allocation (sa_offset_ - va_offset_).
  uint32_t body_sa_offset_, va_lead_;
  // front_ready of a flit written at `arrive`.
  uint64_t ready_of(uint64_t arrive, bool head) const { return arrive + (head ? sa_offset_ : body_sa_offset_); }
  bool va_before_sa_;
  uint64_t now_ = 0;

  std::vector<Flit> flits_;               // [vc_index * depth + i]
  std::vector<InputVc> input_vcs_;        // [vc_index]
  std::vector<uint8_t> out_vc_busy_;      // [vc_index] output VC held by a packet
  std::vector<uint32_t> credits_;         // [vc_index] free slots downstream
  std::vector<Credit> credit_slots_;      // [router * capacity + i]
  std::vector<CreditRing> credit_rings_;  // [router]
  uint32_t credit_capacity_;
  std::vector<uint32_t> sa_in_rr_, sa_out_rr_, va_out_rr_;
  std::vector<uint32_t> router_flits_;
  // Per (router, input port), one bit per VC: VCs holding flits whose packet owns an output VC
  // (switch allocation candidates), and VCs whose front is a head still needing VC allocation.
  // They let the allocators visit only the VCs that can act.
  std::vector<uint16_t> active_mask_, needs_va_mask_;
  // Earliest cycle a router can make progress (a front flit becomes eligible, or it is blocked
  // and retries next cycle): routers whose flits are all in a pipeline stage or on a link are
  // not visited.
  std::vector<uint64_t> router_wake_;
  std::vector<uint32_t> credits_in_flight_;  // [router]: credits travelling back to it
  // Heads sent over a link into an empty VC, in arrival order (all links take the same time):
  // they join needs_va_mask_ only once through route computation, so the VC allocator never
  // scans a head that is still on its link.
  struct Arrival {
    uint64_t arrive;
    uint32_t port;
    uint32_t vc;
  };
  std::vector<Arrival> arrivals_;          // [router * arrival_capacity_ + i]
  std::vector<CreditRing> arrival_rings_;  // [router]
  uint32_t arrival_capacity_;
  void admit_arrivals(uint32_t router);
  void wake_at(uint32_t router, uint64_t cycle) {
    if (cycle < router_wake_[router]) router_wake_[router] = cycle;
  }
  std::vector<uint64_t> occupancy_last_, occupancy_integral_;
  std::vector<SourceQueue> sources_;      // [node * classes + class]
  std::vector<uint32_t> source_rr_;       // [node]
  std::vector<PacketSlot> slots_;
  std::vector<uint32_t> free_slots_;
  std::vector<DeliveredPacket> delivered_;
  // Scratch for the allocators of one router (no allocation per cycle).
  std::vector<int32_t> va_winner_, va_distance_;
  std::vector<uint32_t> va_requested_;
  std::vector<uint8_t> requester_port_, requester_vc_;  // input index port * vcs + vc, split

  uint64_t flits_in_network_ = 0;
  uint64_t queued_packets_ = 0;
  uint64_t outstanding_packets_ = 0;
  NocStats stats_;
  CountWindow window_;  // count_window's (empty: nothing counted)
};

}  // namespace star
