// Fast packet-level network: when a packet is injected its whole path is computed at once. At
// each router the head waits the pipeline (R-2 cycles before switch allocation, as in the flit
// model), then reserves the first gap of the packet's link occupancy on the output
// (LinkCalendars) and, with several VCs, on the switch input it comes from (one flit per input
// per cycle), and reaches the next router after switch traversal and the link. With one VC per
// class the body flits are then timed one by one with the flit model's credit rule, so a blocked
// packet holds exactly the links its remaining flits still have to cross. No per-cycle work.
// It reproduces the flit model's zero-load timing exactly ((h+1)*R + h*L + F-1), serialisation,
// link and switch-input contention, the throttling of a VC buffer shallower than the credit loop
// (with body-flit bypass, its blocks catching up near the destination: a reservation per hop of
// its own length), single-VC wormhole blocking, and the network interface's queue per class and
// the hold a long packet waiting further on puts on it; not back-pressure inside the network with
// several VCs or arbitration in arrival order (reservations are made in creation order). With several VCs and a single-iteration
// switch allocator (config.switch_alloc_iterations == 1), a head that waits for a taken output
// costs its input the arbitrations it loses (up to one per other input that may route to that
// output: charge_lost_arbitrations), the matchings the flit router's separable allocator loses.
// The rest of the separable allocators is left out unless config.packet_router_detail (several
// VCs): then the input VCs are FIFOs, VC allocation follows the flit model's round robin and a
// head waiting for its output blocks the VCs after it in its input's switch-allocation order
// (pass_router). The error is measured in docs/noc.md.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "noc/link_calendar.h"
#include "noc/mesh_topology.h"
#include "noc/noc_model.h"
#include "noc/routing.h"

namespace star {

class PacketNetworkModel final : public NocModel {
 public:
  explicit PacketNetworkModel(const NocConfig& config);
  // Not copied: shape_origin_ points into its own table.
  PacketNetworkModel(const PacketNetworkModel&) = delete;
  PacketNetworkModel& operator=(const PacketNetworkModel&) = delete;
  // The longest path the 1-flit loop (inject_flit) takes, which keeps the path's legs in one
  // 64-bit word; longer ones (meshes larger than 16x16) take the general walk.
  static constexpr uint32_t kFastFlitHops = 30;

  void inject(const NocPacket& packet) override;  // checks it, then inject_flit or inject_walk
  // A hop's flits are spread over the cycles it reserves (its span), or counted each in its own
  // cycle where they are timed one by one, so a link never counts more than one flit per cycle.
  void count_window(uint64_t begin, uint64_t end) override;
  // Tree multicast with XY or YX routing (west-first: source replication): the union of the
  // dimension-order paths to all destinations; each of its links is reserved once, and the flits
  // are replicated at the routers where it branches.
  void inject_multicast(const NocPacket& packet, const std::vector<uint32_t>& dsts) override;
  // Trains (NocPacket::packets > 1) with several VCs per class: the train takes one gap of all
  // its packets' occupancy on every link, as one long packet would, but counts each packet's
  // head flit (O(hops) whatever its length; its packets do not interleave with other traffic).
  // With one VC per class the body flits are timed one by one, so trains are left to the sender.
  bool times_trains() const override { return !hold_upstream_links_; }
  bool times_at_injection() const override { return true; }
  bool counts_at_injection() const override { return true; }
  // The 1-flit loop (inject_flit) tells no observer: while one is set, 1-flit packets take the
  // general walk (same results, slower).
  void observe_links(NocLinkObserver* observer) override;
  uint64_t inject_timed(const NocPacket& packet, const std::vector<uint32_t>& dsts) override;
  void inject_timed(const NocPacket& packet, DeliveryTiming& timing) override;
  void advance_to(uint64_t cycle) override;
  uint64_t now() const override { return now_; }
  bool idle() const override { return pending_count_ == 0; }
  uint64_t next_activity_cycle() const override;
  void take_delivered(std::vector<DeliveredPacket>& out) override;
  NocStats stats() const override;
  const NocConfig& config() const override { return config_; }

 private:
  // A computed delivery, released when simulated time passes the cycle the flit model would
  // record it in (the tail's switch allocation).
  struct PendingDelivery {
    uint64_t release_cycle;
    uint64_t order;  // FIFO among equal cycles: deterministic runs
    DeliveredPacket delivery;
    bool operator>(const PendingDelivery& o) const {
      return release_cycle != o.release_cycle ? release_cycle > o.release_cycle : order > o.order;
    }
  };

  NocConfig config_;
  MeshTopology mesh_;
  MeshCoordinates coords_;
  uint32_t sa_offset_, st_cycles_;
  uint64_t to_next_;  // a head's switch allocation to its earliest at the next router (no wait)
  // Credit round trip of a link (R + 2L + credit latency): a VC buffer shallower than it lets only
  // `depth` flits through per round trip, so a packet occupies a link for longer than F cycles.
  // With body_flit_bypass the round trip of a body flit's credit is shorter by the head's R-2
  // cycles before switch allocation (body_loop_), so the blocks of `depth` flits after the first
  // catch up near the destination: at a router `to_go` hops before it, the first `to_go` blocks
  // after the head's follow the long loop, the later ones the short one (the flit model's
  // zero-load timing; docs/noc.md, "Body-flit bypass").
  uint32_t credit_loop_, body_loop_;
  uint32_t body_sa_offset_;  // a body flit's cycles from its write to switch allocation
  bool catch_up_;            // body_loop_ shorter and buffers shallower than credit_loop_
  // A packet that never leaves its router (source = destination) is throttled by its own local
  // buffer instead: flit k is written the cycle after flit k-depth left and may go body_sa_offset_
  // after that, a loop of 1 + body_sa_offset_.
  static constexpr uint32_t kFarFromDestination = ~uint32_t(0);  // no catch-up (multicast trees)
  struct BlockGaps {
    uint64_t near, far;  // cycles between the starts of blocks 1..to_go, and of the later ones
  };
  BlockGaps block_gaps(const NocPacket& packet) const;
  // Cycles from the head's switch allocation to block b's first flit's, and a packet's occupancy of
  // a router's output, `to_go` hops before its destination.
  static uint64_t block_start(uint64_t block, uint32_t to_go, BlockGaps gaps);
  uint64_t occupancy_cycles(uint64_t flits, uint32_t to_go, BlockGaps gaps) const;
  // Cycles a train occupies a link: its packets' occupancies back to back.
  uint64_t train_cycles(const NocPacket& packet, uint32_t to_go) const;
  // With body_flit_bypass and throttling, the body flits' stays at a router `to_go` hops before the
  // destination (not the source) beyond the head's: they left the router before it later than
  // they leave this one, relative to their head (<= 0; flit-cycles).
  int64_t catch_up_stays(const NocPacket& packet, uint32_t to_go) const;
  // With one VC per class a packet owns each link until its tail has crossed it: its body flits
  // are then timed one by one (stream_wormhole) and the links held while it is blocked downstream
  // are marked on the calendars.
  bool hold_upstream_links_;
  struct Hop {
    uint32_t output;  // calendar of the output taken
    uint64_t grant;   // cycle the head wins the output
    uint32_t input;   // input buffer the packet is in (node * kNocPorts + port)
    uint64_t span;    // cycles reserved from the grant (occupancy_cycles there)
  };
  std::vector<Hop> path_;        // scratch, one entry per router on the path
  std::vector<uint64_t> times_;  // scratch for stream_wormhole
  std::vector<uint64_t> waits_;  // ... and the flits' waits per router on the path
  uint64_t stream_wormhole(const NocPacket& packet, uint64_t injected, uint32_t routers);
  // Several VCs per class with buffers shallower than the credit loop (shallow_): a packet longer
  // than a buffer, up to NocConfig::kShallowFlitByFlit flits, is timed flit by flit
  // (inject_shallow). Longer ones keep a contiguous span (pessimistic: packet_model_caveat): their
  // single-cycle reservations far ahead would fill the calendars' interval lists (472-flit tiles
  // over 2-flit buffers: 121 s against the flit model's 179 s on mesh-4x4, within 0.1 % of it).
  bool shallow_ = false;
  void inject_shallow(const NocPacket& packet);
  // The routers of a packet's dimension-order path, the destination's (ejection) last, into
  // route_ (sized for the longest minimal path and the ejection); returns how many.
  struct RouteHop {
    uint32_t node;
    uint8_t in_port, out;
  };
  std::vector<RouteHop> route_;
  uint32_t dimension_order_route(const NocPacket& packet);
  uint64_t now_ = 0;
  uint64_t order_ = 0;
  // [node * calendars_per_router_ + port]: outputs, then (several VCs) switch inputs at + ports.
  LinkCalendars calendars_;
  // Several VCs per class: short packets pass long ones. The flit routers' switch allocator
  // interleaves the flits of packets on different VCs of an output (and an input sends one flit
  // per cycle from any of its VCs), so a packet that fits in a buffer (a request, a 1-flit packet)
  // passes a longer packet's stream at once, which costs the long one as many cycles. Once a long
  // packet was sent (long_used_), short_ holds what a short packet must respect (the short
  // packets' reservations and the lost arbitrations; a copy of calendars_ then) and calendars_
  // everything: a long packet reserves in calendars_, a short one in short_, then in calendars_
  // over the long spans it passes (pass_long), whose displaced cycles move to the first free ones
  // after. Without this a request waited behind whole tiles: +9.2 % on scenarios/mesh-4x4.yaml's
  // query_split against the flit NoC.
  LinkCalendars short_;
  bool long_used_ = false;
  bool short_used_ = false;  // a short packet since: the lost arbitrations go into short_ too
  // One VC per class and several classes (class_vcs_): the two classes' VCs of an output are
  // interleaved flit by flit as several VCs are, so a short packet passes the long packets of the
  // other class; but its own class's VC is held by a long packet of its class from its head to its
  // tail and while it is blocked (the wormhole holds). owned_ [output * classes + class]: the long
  // packets' spans and every packet's holds since the first long packet, per class; a short packet
  // takes the first gap free in short_ and in its class's owned_ calendar.
  bool class_vcs_ = false;
  LinkCalendars owned_;
  // The owned_ calendar of class `cls` on output calendar `link` (node * kNocPorts + out: with one
  // VC a router's calendars are its outputs); holds on that output keep the class's VC held too.
  size_t owned_calendar(size_t link, uint32_t cls) const { return link * config_.num_vc_classes + cls; }
  static constexpr size_t kNoCalendar = ~size_t(0);
  bool is_long(uint32_t flits) const {
    return (!hold_upstream_links_ || class_vcs_) && flits > config_.vc_buffer_flits;
  }
  // One VC per class and several classes (class_vcs_): the head's reservation of output `out` of
  // the router whose calendars start at `router`, from `ready`, for a packet of class `cls`.
  uint64_t reserve_wormhole(size_t router, uint8_t out, uint32_t cls, uint64_t ready, uint64_t span,
                            bool long_packet);
  // A hop's reservation of output calendar a and (unless kNoCalendar) switch input b from `ready`.
  uint64_t reserve_hop(size_t a, size_t b, uint64_t ready, uint64_t span, bool long_packet);
  void begin_long();
  uint64_t reserve_short(size_t a, size_t b, uint64_t ready, uint64_t span);
  // A short packet's [grant, grant + span) in calendars_: free cycles marked, each one a long span
  // holds taken from it (that flit moves to the first free cycle after), recorded in moved_ when
  // `record` (the output: count_hop counts the short packet's flit there instead, so no link is
  // counted with more than a flit per cycle).
  void pass_long(size_t c, uint64_t grant, uint64_t span, bool record);
  std::vector<std::pair<uint64_t, uint64_t>> moved_;  // (cycle, where the displaced flit went)
  std::vector<uint64_t> taken_;                        // pass_long's cycles a long span held
  // A hop's flits on output `out` of `node` over [grant, grant + span): statistics and observer
  // (count_moved: a short packet's, some of them where the flits it displaced went).
  void count_hop(uint32_t node, uint8_t out, uint64_t flits, uint64_t grant, uint64_t span) {
    if (!moved_.empty()) return count_moved(node, out, grant, span);
    count_link(node, out, flits, grant, span);
    if (observer_) observer_->link_used(node * kNocPorts + out, grant, span, flits);
  }
  void count_moved(uint32_t node, uint8_t out, uint64_t grant, uint64_t span);
  uint32_t calendars_per_router_;
  // The network interface keeps a queue per class, as the flit model's does (its injection
  // channel takes one flit per cycle from them in turn, so a request is not held behind a long
  // response being written): [node * classes + class], the first cycle it may write the next
  // packet of that class.
  std::vector<uint64_t> inject_free_;
  size_t source_queue(const NocPacket& p) const { return size_t(p.src) * config_.num_vc_classes + p.vc_class; }
  // Several VCs per class: the input VCs as FIFOs (the flit model frees an output VC when the
  // tail leaves, so the next packet can enter a downstream VC that still holds the previous one
  // and waits behind it), and the output VCs the heads allocate. [(node * ports + port) * vcs + vc]
  static constexpr uint64_t kNever = ~uint64_t(0);
  struct InputVcState {
    uint64_t last_arrive = kNever;  // arrival of the packet last in the FIFO (kNever: none yet)
    uint64_t last_leave = 0;   // cycle its tail wins switch allocation
    uint32_t va_rr = 0;        // round-robin start of this input VC's output-VC request
  };
  std::vector<InputVcState> input_vcs_;
  struct BusyInterval {  // an output VC is held from its VC allocation to the cycle after its tail left
    uint64_t from = 0, until = 0;
  };
  std::vector<BusyInterval> out_vc_busy_;
  // Switch allocation at an input port: the head that last waited for its output (the input's
  // nominee over [hold_from, hold_until)), its VC and the round-robin pointer then, and the VC of
  // the latest winner. [node * ports + port]
  struct InputPortState {
    uint64_t hold_from = 0, hold_until = 0;
    uint32_t hold_vc = 0, hold_ptr = 0;
    uint64_t last_grant = 0;
    uint32_t last_vc = 0;
  };
  std::vector<InputPortState> input_ports_;
  uint64_t pass_router(uint32_t node, uint8_t in_port, uint8_t out, uint64_t ready, uint64_t arrive, uint64_t span,
                       bool long_packet, uint32_t class_base, uint32_t& in_vc, uint64_t& sa_ready);
  // Several VCs per class and a single-iteration switch allocator (config.switch_alloc_iterations
  // == 1): the cycles an input loses while its head waits for a taken output
  // (charge_lost_arbitrations, in the .cpp), at most lost_bound_[lost_index(node, in, out)]: by
  // the calendar of the switch input, 8 outputs apart (inject_flit has that index at hand).
  bool charge_lost_;
  std::vector<uint8_t> lost_bound_;
  static size_t lost_slot(size_t input_calendar, uint8_t out) { return input_calendar * 8 + out; }
  size_t lost_index(uint32_t node, uint8_t in, uint8_t out) const {
    return lost_slot(size_t(node) * calendars_per_router_ + kNocPorts + in, out);
  }
  static bool may_turn(NocRouting routing, uint8_t in, uint8_t out);
  void charge_lost_arbitrations(uint32_t node, uint8_t in_port, uint8_t out, uint64_t from, uint64_t grant);
  // Several VCs per class, no router detail: one hop's reservation of the output `out` and the
  // switch input `in_port` of `node`, from `ready` (switch allocation), and its lost arbitrations.
  uint64_t take_pair(uint32_t node, uint8_t in_port, uint8_t out, uint64_t ready, uint64_t span,
                     bool long_packet = false);
  // ... and dimension-order routing (fast_flits_): 1-flit packets go through inject_flit, which
  // takes the hops that do not wait in a loop of their own.
  bool fast_flits_;
  bool fast_flits_allowed_;            // fast_flits_ when no observer is set
  NocLinkObserver* observer_ = nullptr;
  // The general walk: every packet but those inject_flit takes.
  void inject_walk(const NocPacket& packet);
  // The 1-flit loop when it applies (fast_flits_, one flit, a path it takes); false otherwise.
  bool try_inject_flit(const NocPacket& packet, DeliveryTiming* timing) {
    return fast_flits_ && packet.flits == 1 &&
           (mesh_.torus ? inject_flit<true>(packet, timing) : inject_flit<false>(packet, timing));
  }
  // Calendars per router whenever inject_flit runs (several VCs: outputs, then switch inputs).
  static constexpr size_t kFlitRouterCalendars = 2 * kNocPorts;
  // A 1-flit packet's path by its offset (destination less source, in columns and rows): the
  // legs of its minimal dimension-order route (0: the ejection, 1: the second leg, 2: the first),
  // two bits per hop from the first hop on, then 3 to end it; per leg the output, the input at
  // the next router and (on a mesh) the step of calendar index to it. inject_flit steps through
  // these with no test of which leg a hop is in (a select between the legs written as arithmetic
  // was compiled into a branch on the hop's index, mispredicted about once per packet), and
  // without computing them per packet.
  struct PathShape {
    uint64_t legs = 0;
    int32_t step[3] = {};
    uint8_t out[3] = {}, in[3] = {};
    uint8_t hops = kNoShape;  // kNoShape: more than kFastFlitHops (the general walk)
  };
  static constexpr uint8_t kNoShape = 255;
  // (2 * width - 1) * (2 * height - 1) offsets: at most 127 x 127, 0.5 MiB (NocConfig: 64 x 64).
  std::vector<PathShape> shapes_;
  PathShape* shape_origin_ = nullptr;  // offset (0, 0): shape_origin_[key[dst] - key[src]]
  std::vector<int32_t> shape_key_;     // [node] y * (2 * width - 1) + x
  void build_path_shapes();
  // False (nothing done) for a path of more than kFastFlitHops hops, which takes the general walk.
  // `timing` (inject_timed's): the delivery written there, not scheduled.
  template <bool kTorus>
  bool inject_flit(const NocPacket& packet, DeliveryTiming* timing);
  // How long inject_flit's hops wait lately (cycles, counts halved every kWaitWindow hops): above
  // kWaitNumerator / kWaitDenominator cycles per hop (near saturation) it takes every hop through
  // take_hop, below it the free hops in a loop of their own. Same reservations either way.
  static constexpr uint64_t kWaitWindow = 4096, kWaitNumerator = 9, kWaitDenominator = 20;
  uint64_t wait_cycles_ = 0, hops_seen_ = 0;
  void note_waits(uint64_t cycles, uint32_t hops) {
    wait_cycles_ += cycles;
    hops_seen_ += hops;
    if (hops_seen_ >= kWaitWindow) {
      wait_cycles_ /= 2;
      hops_seen_ /= 2;
    }
  }
  // A torus: [node * kNocPorts + port] the calendars (router index) of the router that port leads to.
  std::vector<size_t> next_router_;
  void count_injected(const NocPacket& packet, uint32_t hops);  // energy and injection counts
  uint32_t vcs_per_class_, va_lead_;
  bool router_detail_;  // config.packet_router_detail with several VCs per class
  // Pending deliveries by release cycle: a ring of per-cycle buckets for the near future (O(1)),
  // a heap for releases beyond it (deep saturation). The ring spans the look-ahead of a driver
  // (synthetic traffic injects up to 256 cycles ahead) plus ordinary latencies, and no more: a
  // small ring keeps the buckets' storage in cache (4096 buckets made runs about 20 % slower).
  static constexpr uint64_t kBuckets = 512;
  std::vector<std::vector<DeliveredPacket>> buckets_;
  // Bit b set: bucket b is not empty. Lets the driver and advance_to jump over idle cycles
  // (long packets are delivered hundreds of cycles apart) with a few word scans.
  uint64_t nonempty_[kBuckets / 64] = {};
  // First cycle in [from, now_ + kBuckets) whose bucket holds a delivery; UINT64_MAX if none.
  uint64_t next_bucket_cycle(uint64_t from) const;
  std::priority_queue<PendingDelivery, std::vector<PendingDelivery>, std::greater<PendingDelivery>> far_;
  uint64_t pending_count_ = 0;
  // Inside inject_timed: schedule() counts the delivery and keeps the latest tail (and, for a
  // unicast, writes the timing to timed_out_) instead of queueing it. Written field by field
  // where the caller reads it: a copy of a just written struct stalls on store forwarding.
  bool timed_ = false;
  uint64_t timed_tail_ = 0;
  DeliveryTiming* timed_out_ = nullptr;
  void release(const DeliveredPacket& delivery);
  // Files the delivery of `packet` whose head and tail win the destination's ejection port in
  // cycles head_out and tail_out: inside inject_timed here, else queue_delivery.
  void schedule(const NocPacket& packet, uint64_t head_out, uint64_t tail_out, uint32_t hops) {
    if (!timed_) return queue_delivery(packet, head_out, tail_out, hops);
    if (timed_out_) {  // inject_timed: the caller takes the delivery, nothing is queued
      timed_out_->head_cycle = head_out + st_cycles_;
      timed_out_->tail_cycle = tail_out + st_cycles_;
      timed_out_->release_cycle = tail_out;
      timed_out_->hops = hops;
    }
    timed_tail_ = std::max(timed_tail_, tail_out + st_cycles_);
    stats_.packets_delivered += packet.packets;
    stats_.flits_delivered += packet.flits;
  }
  void queue_delivery(const NocPacket& packet, uint64_t head_out, uint64_t tail_out, uint32_t hops);
  // Multicast scratch: outputs of the tree at each node (bit per port), the nodes touched, and
  // the ejection grant and depth of each destination.
  std::vector<uint8_t> tree_;
  std::vector<uint32_t> tree_nodes_;
  struct TreeHead {
    uint32_t node;
    uint64_t arrive;
    uint8_t in_port;
    uint32_t hops;
  };
  std::vector<TreeHead> tree_stack_;
  std::vector<uint64_t> eject_grant_;
  std::vector<uint32_t> eject_hops_;
  std::vector<DeliveredPacket> delivered_;
  NocStats stats_;  // link_flits: but the 1-flit loop's (flit_counts_); stats() adds them
  CountWindow window_;  // count_window's
  // What inject_flit counts per hop, by calendar index (node * kFlitRouterCalendars + port):
  // on an output's the link flits, on a switch input's the waits (as add_wait's, modulo 2^64);
  // [calendar] outside the window, [half + calendar] in it (half: the vector's half size).
  std::vector<uint64_t> flit_counts_;
  // inject_flit's hops that waited (the hop's index on the path, its grant), for count_crossing.
  std::vector<uint32_t> waited_hop_;
  std::vector<uint64_t> waited_grant_;
  // every_hop: hop k's grant is waited_grant_[k] for k < waited (waited_hop_ not written).
  void count_crossing(const NocPacket& packet, uint64_t first_cycle, size_t first_side, uint32_t waited,
                      bool every_hop);
  void count_link(uint32_t node, uint8_t out, uint64_t flits, uint64_t grant, uint64_t span) {
    const size_t link = size_t(node) * kNocPorts + out;
    stats_.link_flits[link] += flits;
    if (window_.cycles) stats_.window_link_flits[link] += window_.share(flits, grant, span);
  }
  // Buffer occupancy (NocStats::occupancy_flit_cycles), each flit's whole stay counted when its
  // packet is injected: a flit stays in a router's buffer from the cycle it is sent into it (the
  // upstream switch allocation, or the interface's write) to its own switch allocation, i.e. the
  // pipeline and link of the hop (sa_offset_ at the source router) plus its wait there. stats()
  // derives the first part from the flits the routers sent (link_flits; replicated_flits_: the
  // extra copies a multicast tree's routers sent); the hot paths add only the waits, per input
  // buffer (stay_waits_; signed: the correction at the source router, source_stay_correction).
  std::vector<uint64_t> replicated_flits_;  // [node]
  std::vector<int64_t> stay_waits_;         // [node * kNocPorts + input port]
  void add_wait(uint32_t node, uint8_t in_port, uint64_t flit_cycles) {
    stay_waits_[size_t(node) * kNocPorts + in_port] += int64_t(flit_cycles);
  }
  int64_t source_stay_correction(const NocPacket& packet, uint64_t head_stay, uint32_t hops) const;
};

}  // namespace star
