#include "noc/packet_network_model.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "noc/ring_bitmap.h"
#include "noc/routing.h"

namespace star {

PacketNetworkModel::PacketNetworkModel(const NocConfig& config) : config_(config) {
  config_.validate();
  mesh_ = config_.mesh();
  coords_ = MeshCoordinates(mesh_);
  const uint32_t r = config_.router_stages;
  sa_offset_ = r >= 2 ? r - 2 : 0;
  st_cycles_ = r >= 2 ? 2 : 1;
  to_next_ = sa_offset_ + st_cycles_ + config_.link_latency;
  credit_loop_ = config_.credit_loop();
  body_sa_offset_ = config_.body_flit_bypass ? 0 : sa_offset_;
  body_loop_ = credit_loop_ - (sa_offset_ - body_sa_offset_);
  catch_up_ = body_loop_ < credit_loop_ && config_.vc_buffer_flits < credit_loop_;
  buckets_.resize(kBuckets);
  hold_upstream_links_ = config_.vcs_per_class() == 1;
  class_vcs_ = hold_upstream_links_ && config_.num_vc_classes > 1;
  vcs_per_class_ = config_.vcs_per_class();
  va_lead_ = r >= 3 ? 1 : 0;  // VC allocation one cycle before switch allocation
  router_detail_ = !hold_upstream_links_ && config_.packet_router_detail;
  charge_lost_ = !hold_upstream_links_ && config_.switch_alloc_iterations == 1;
  fast_flits_ = fast_flits_allowed_ = !hold_upstream_links_ && !router_detail_ && config_.routing != NocRouting::WestFirst;
  shallow_ = !hold_upstream_links_ && !router_detail_ && config_.routing != NocRouting::WestFirst &&
             config_.vc_buffer_flits < credit_loop_;
  // Each router's output calendars, then (several VCs) its input calendars, side by side.
  calendars_per_router_ = hold_upstream_links_ ? kNocPorts : 2 * kNocPorts;
  if (fast_flits_allowed_) build_path_shapes();
  // The most arbitrations a head can lose at each router, input and output: the other inputs
  // the router has that may route to that output (no U-turn; dimension-order or west-first turns).
  // All zero without charge_lost_ (inject_flit reads it whatever the allocator).
  lost_bound_.assign(lost_index(mesh_.nodes(), 0, 0), 0);
  if (charge_lost_) {
    for (uint32_t node = 0; node < mesh_.nodes(); ++node)
      for (uint8_t in = 0; in < kNocPorts; ++in)
        for (uint8_t out = 0; out < kNocPorts; ++out)
          for (uint8_t other = 0; other < kNocPorts; ++other)
            if (other != in && (other == kPortLocal || mesh_.has_neighbour(node, other)) &&
                may_turn(config_.routing, other, out))
              ++lost_bound_[lost_index(node, in, out)];
  }
  if (router_detail_) {
    input_vcs_.assign(size_t(mesh_.nodes()) * kNocPorts * config_.num_vcs, InputVcState{});
    out_vc_busy_.assign(size_t(mesh_.nodes()) * kNocPorts * config_.num_vcs, BusyInterval{});
    input_ports_.assign(size_t(mesh_.nodes()) * kNocPorts, InputPortState{});
  }
  if (mesh_.torus) {
    next_router_.assign(size_t(mesh_.nodes()) * kNocPorts, 0);
    for (uint32_t node = 0; node < mesh_.nodes(); ++node)
      for (uint8_t p = 0; p < kNocPorts; ++p)
        if (p != kPortLocal && mesh_.has_neighbour(node, p))
          next_router_[size_t(node) * kNocPorts + p] = size_t(mesh_.neighbour(node, p)) * calendars_per_router_;
  }
  calendars_ = LinkCalendars(size_t(mesh_.nodes()) * calendars_per_router_);
  if (class_vcs_) owned_ = LinkCalendars(size_t(mesh_.nodes()) * kNocPorts * config_.num_vc_classes);
  path_.resize(mesh_.width + mesh_.height);  // longest minimal path plus the ejection hop
  times_.resize(path_.size() * config_.vc_buffer_flits);
  waits_.assign(path_.size(), 0);
  route_.resize(path_.size());
  inject_free_.assign(size_t(mesh_.nodes()) * config_.num_vc_classes, 0);
  stats_.link_flits.assign(size_t(mesh_.nodes()) * kNocPorts, 0);
  flit_counts_.assign(2 * size_t(mesh_.nodes()) * kFlitRouterCalendars, 0);
  waited_hop_.assign(size_t(config_.width) + config_.height, 0);  // a path's hops and its ejection
  waited_grant_.assign(waited_hop_.size(), 0);
  tree_.assign(mesh_.nodes(), 0);
  eject_grant_.assign(mesh_.nodes(), 0);
  eject_hops_.assign(mesh_.nodes(), 0);
  replicated_flits_.assign(mesh_.nodes(), 0);
  stay_waits_.assign(size_t(mesh_.nodes()) * kNocPorts, 0);
}

void PacketNetworkModel::queue_delivery(const NocPacket& packet, uint64_t head_out, uint64_t tail_out, uint32_t hops) {
  // Written in place in its release bucket (no temporary); a release beyond the bucket ring
  // (deep saturation) waits in the heap.
  DeliveredPacket far;
  const bool near = tail_out < now_ + kBuckets;
  DeliveredPacket& out = near ? buckets_[tail_out % kBuckets].emplace_back() : far;
  out.packet = packet;
  out.head_cycle = head_out + st_cycles_;
  out.tail_cycle = tail_out + st_cycles_;
  out.hops = hops;
  if (near) nonempty_[(tail_out % kBuckets) >> 6] |= uint64_t(1) << (tail_out & 63);
  else far_.push(PendingDelivery{tail_out, order_++, far});
  ++pending_count_;
}

// The tree is walked from the source like a unicast head: at each router the head waits the
// pipeline, then takes the first gap of the packet's link occupancy on each output of the tree
// there, independently (a branch blocked on one output does not delay the others: the router
// replicates the flits into each output's own gap). With several VCs the switch input is reserved
// with the first output only: one read of the input feeds every branch through the crossbar. With
// one VC the wormhole holds of a blocked branch on its upstream links are not modelled.
void PacketNetworkModel::inject_multicast(const NocPacket& packet, const std::vector<uint32_t>& dsts) {
  if (config_.routing == NocRouting::WestFirst) {  // adaptive paths do not form one fixed tree
    NocModel::inject_multicast(packet, dsts);
    return;
  }
  check_multicast(packet, dsts, now_, config_, times_trains());
  const uint32_t f = packet.flits;
  const uint64_t span = train_cycles(packet, kFarFromDestination);  // (no catch-up with body-flit bypass)
  // The union of the dimension-order paths.
  uint64_t links = 0;
  for (const uint32_t d : dsts) {
    uint32_t node = packet.src;
    while (true) {
      uint8_t out[2];
      route_candidates_by_offset(config_.routing, coords_.dx(node, d), coords_.dy(node, d), out);
      if (!tree_[node]) tree_nodes_.push_back(node);
      const uint8_t bit = uint8_t(1u << out[0]);
      if (!(tree_[node] & bit) && out[0] != kPortLocal) ++links;
      tree_[node] |= bit;
      if (out[0] == kPortLocal) break;
      node = mesh_.neighbour(node, out[0]);
    }
  }
  const uint64_t injected = std::max(packet.created_cycle, inject_free_[source_queue(packet)]);
  inject_free_[source_queue(packet)] = injected + span;
  tree_stack_.clear();
  tree_stack_.push_back(TreeHead{packet.src, injected, kPortLocal, 0});
  while (!tree_stack_.empty()) {
    const TreeHead h = tree_stack_.back();
    tree_stack_.pop_back();
    const uint64_t ready = h.arrive + sa_offset_;
    const size_t router = size_t(h.node) * calendars_per_router_;
    bool first = true;
    uint64_t last_grant = ready;  // the flits stay until the last branch has taken them
    for (uint8_t out = 0; out < kNocPorts; ++out) {
      if (!(tree_[h.node] & (1u << out))) continue;
      const size_t input = hold_upstream_links_ || !first ? kNoCalendar : router + kNocPorts + h.in_port;
      const uint64_t grant = class_vcs_ ? reserve_wormhole(router, out, packet.vc_class, ready, span, is_long(f))
                                        : reserve_hop(router + out, input, ready, span, is_long(f));
      if (!first) replicated_flits_[h.node] += f;  // sent once more, entered once
      last_grant = std::max(last_grant, grant);
      first = false;
      count_hop(h.node, out, f, grant, span);
      stats_.energy.crossbar += f;
      if (out == kPortLocal) {
        eject_grant_[h.node] = grant;
        eject_hops_[h.node] = h.hops;
      } else {
        tree_stack_.push_back(TreeHead{mesh_.neighbour(h.node, out), grant + st_cycles_ + config_.link_latency,
                                       opposite_port(out), h.hops + 1});
      }
    }
    add_wait(h.node, h.in_port, uint64_t(f) * (last_grant - ready));
  }
  for (size_t i = 0; i < dsts.size(); ++i) {
    NocPacket copy = packet;
    copy.id = packet.id + i;
    copy.dst = dsts[i];
    const uint64_t grant = eject_grant_[dsts[i]];
    schedule(copy, grant, grant + span - 1, eject_hops_[dsts[i]]);
  }
  // Each router of the tree routes, buffers and reads the packet once; each link carries it once.
  const uint64_t routers = tree_nodes_.size();
  stats_.energy.routing += routers;
  stats_.energy.buffer_writes += uint64_t(f) * routers;
  stats_.energy.buffer_reads += uint64_t(f) * routers;
  stats_.energy.link_flits += uint64_t(f) * links;
  stats_.packets_injected += dsts.size() * packet.packets;
  stats_.flits_injected += uint64_t(f) * dsts.size();
  for (const uint32_t n : tree_nodes_) tree_[n] = 0;
  tree_nodes_.clear();
}

bool PacketNetworkModel::may_turn(NocRouting routing, uint8_t in, uint8_t out) {
  if (in == out) return false;  // no U-turn (and no local-to-local through the switch)
  if (in == kPortLocal || out == kPortLocal) return true;
  const bool in_x = in == kPortEast || in == kPortWest, out_x = out == kPortEast || out == kPortWest;
  if (in_x == out_x) return true;  // straight on (a U-turn is excluded above)
  switch (routing) {
    case NocRouting::XY: return in_x;   // X then Y: turn from X into Y only
    case NocRouting::YX: return !in_x;  // Y then X
    case NocRouting::WestFirst: return out != kPortWest;  // west hops come first: never turn into west
  }
  return true;
}

// A head that finds its output taken at `from` (switch allocation ready) and wins it only at
// `grant` loses switch allocation meanwhile. With a single-iteration separable allocator its
// input sends nothing in a cycle its nominee loses, even if another of its VCs could go to an
// idle output; the output grants round robin, so the head loses at most once to each other
// input that may route to it. So up to that many of the input's free cycles in [from, grant)
// are marked busy on its switch-input calendar (later heads of the input wait for them).
void PacketNetworkModel::charge_lost_arbitrations(uint32_t node, uint8_t in_port, uint8_t out, uint64_t from,
                                                  uint64_t grant) {
  const size_t input = size_t(node) * calendars_per_router_ + kNocPorts + in_port;
  const uint32_t lost = lost_bound_[lost_index(node, in_port, out)];
  calendars_.mark_free(input, from, grant, lost);
  if (short_used_) short_.mark_free(input, from, grant, lost);  // short packets lose them too
}

inline uint64_t PacketNetworkModel::reserve_hop(size_t a, size_t b, uint64_t ready, uint64_t span,
                                                bool long_packet) {
  if (long_packet && !long_used_) begin_long();
  if (!long_packet && long_used_) return reserve_short(a, b, ready, span);
  return b == kNoCalendar ? calendars_.reserve(a, ready, span) : calendars_.reserve_pair(a, b, ready, span);
}

// Several VCs per class, no router detail: packets from one input can wait side by side, but the
// input still sends one flit per cycle through the switch, so the gap must be free on both.
inline uint64_t PacketNetworkModel::take_pair(uint32_t node, uint8_t in_port, uint8_t out, uint64_t ready,
                                              uint64_t span, bool long_packet) {
  const size_t router = size_t(node) * calendars_per_router_;
  const uint64_t grant = reserve_hop(router + out, router + kNocPorts + in_port, ready, span, long_packet);
  if (charge_lost_ && grant > ready) charge_lost_arbitrations(node, in_port, out, ready, grant);
  return grant;
}

inline uint64_t PacketNetworkModel::reserve_wormhole(size_t router, uint8_t out, uint32_t cls, uint64_t ready,
                                              uint64_t span, bool long_packet) {
  const size_t link = router + out;
  if (long_packet && !long_used_) begin_long();
  if (!long_used_) return calendars_.reserve(link, ready, span);
  const size_t owned = owned_calendar(link, cls);
  if (long_packet) {
    const uint64_t grant = calendars_.reserve(link, ready, span);
    owned_.hold(owned, grant, grant + span);  // (free there unless a hold of its class ran on)
    return grant;
  }
  short_used_ = true;
  uint64_t grant = ready;
  for (;;) {  // the first gap free in both: alternately in each from the other's
    grant = short_.find_gap(link, grant, span);
    const uint64_t own = owned_.find_gap(owned, grant, span);
    if (own == grant) break;
    grant = own;
  }
  short_.mark(link, grant, span);
  pass_long(link, grant, span, true);
  return grant;
}

void PacketNetworkModel::begin_long() {  // the first long packet: what short ones respect so far is all
  short_ = calendars_;
  long_used_ = true;
  fast_flits_ = false;  // 1-flit packets take the general walk, which passes long spans
}

uint64_t PacketNetworkModel::reserve_short(size_t a, size_t b, uint64_t ready, uint64_t span) {
  short_used_ = true;
  const uint64_t grant = b == kNoCalendar ? short_.reserve(a, ready, span) : short_.reserve_pair(a, b, ready, span);
  pass_long(a, grant, span, true);
  if (b != kNoCalendar) pass_long(b, grant, span, false);
  return grant;
}

void PacketNetworkModel::pass_long(size_t c, uint64_t grant, uint64_t span, bool record) {
  taken_.clear();
  for (uint64_t cycle = grant; cycle < grant + span; ++cycle) {
    if (calendars_.find_gap(c, cycle, 1) == cycle) calendars_.mark(c, cycle, 1);
    else taken_.push_back(cycle);
  }
  for (const uint64_t cycle : taken_) {
    const uint64_t to = calendars_.find_gap(c, cycle + 1, 1);
    calendars_.mark(c, to, 1);
    if (record) moved_.emplace_back(cycle, to);
  }
}

void PacketNetworkModel::count_moved(uint32_t node, uint8_t out, uint64_t grant, uint64_t span) {
  for (uint64_t cycle = grant; cycle < grant + span; ++cycle) {  // a short packet: span == flits
    uint64_t at = cycle;
    for (const auto& [from, to] : moved_)
      if (from == cycle) at = to;
    count_link(node, out, 1, at, 1);
    if (observer_) observer_->link_used(node * kNocPorts + out, at, 1, 1);
  }
  moved_.clear();
}

// Block b (flits b*depth .. b*depth + depth-1) starts max(depth, loop) after block b-1, the loop
// being the head's credit loop for the first `to_go` blocks and the body flits' after them.
PacketNetworkModel::BlockGaps PacketNetworkModel::block_gaps(const NocPacket& packet) const {
  const uint64_t depth = config_.vc_buffer_flits;
  if (packet.src == packet.dst) {
    const uint64_t local = std::max<uint64_t>(depth, 1 + body_sa_offset_);
    return BlockGaps{local, local};
  }
  return BlockGaps{std::max<uint64_t>(depth, credit_loop_), std::max<uint64_t>(depth, body_loop_)};
}

uint64_t PacketNetworkModel::block_start(uint64_t block, uint32_t to_go, BlockGaps gaps) {
  const uint64_t near = std::min<uint64_t>(block, to_go);
  return near * gaps.near + (block - near) * gaps.far;
}

// Flit k leaves block_start(k / depth) + k mod depth cycles after the head.
uint64_t PacketNetworkModel::occupancy_cycles(uint64_t flits, uint32_t to_go, BlockGaps gaps) const {
  const uint64_t depth = config_.vc_buffer_flits;
  return block_start((flits - 1) / depth, to_go, gaps) + (flits - 1) % depth + 1;
}

// Several VCs per class: one head's pass through a router (its input VC as a FIFO, VC allocation,
// switch allocation with the input's nominee); returns the cycle it wins the switch and sets
// `in_vc` to the VC it takes at the next router. Written with few branches: the conditions
// below depend on the random traffic and would be mispredicted.
uint64_t PacketNetworkModel::pass_router(uint32_t node, uint8_t in_port, uint8_t out, uint64_t ready, uint64_t arrive,
                                         uint64_t span, bool long_packet, uint32_t class_base, uint32_t& in_vc,
                                         uint64_t& sa_ready) {
  const size_t router = size_t(node) * calendars_per_router_;
  const uint32_t nv = config_.num_vcs, vpc = vcs_per_class_;
  // The flit model frees an output VC when the packet's tail leaves, so the next packet may enter
  // a downstream VC that still holds the previous one: the input VC is a FIFO. Behind a packet
  // that arrived earlier, the head is allocated an output VC the cycle after that packet's tail
  // left, and the switch one cycle later (R >= 3).
  InputVcState& in = input_vcs_[(size_t(node) * kNocPorts + in_port) * nv + class_base + in_vc];
  const uint64_t behind = in.last_leave + 1 + va_lead_;
  ready = std::max(ready, in.last_arrive < arrive ? behind : uint64_t(0));
  // VC allocation: the first output VC of the class not held at that cycle, from this input VC's
  // round-robin pointer (which advances by one per allocation, as the flit model's); if all are
  // held, the one released first.
  BusyInterval* ovc = &out_vc_busy_[(size_t(node) * kNocPorts + out) * nv + class_base];
  const uint64_t va = ready - va_lead_;
  uint32_t free = 0;
  for (uint32_t i = 0; i < vpc; ++i) free |= uint32_t((va < ovc[i].from) | (va >= ovc[i].until)) << i;
  uint32_t chosen;
  if (free) {
    const uint32_t upper = free & (~0u << in.va_rr);
    chosen = uint32_t(__builtin_ctz(upper ? upper : free));
  } else {
    chosen = 0;
    for (uint32_t i = 1; i < vpc; ++i)
      if (ovc[i].until < ovc[chosen].until) chosen = i;
    ready = ovc[chosen].until + va_lead_;
  }
  in.va_rr = in.va_rr + 1 == vpc ? 0 : in.va_rr + 1;
  // Switch allocation is separable input-first, and an input's round-robin pointer moves only
  // when its nominee wins: a head that waits for its output stays its input's nominee, and a VC
  // after it in round-robin order from the pointer is not nominated meanwhile (one that comes
  // before it is, and passes). The last head that waited at the input is kept as its nominee.
  InputPortState& port = input_ports_[size_t(node) * kNocPorts + in_port];
  const uint32_t vc = class_base + in_vc, p = port.hold_ptr;
  const uint32_t mine = vc >= p ? vc - p : vc + nv - p;
  const uint32_t theirs = port.hold_vc >= p ? port.hold_vc - p : port.hold_vc + nv - p;
  // Single-flit packets only: with longer ones the input interleaves the flits of its VCs (the
  // pointer moves on after every flit won), which these contiguous reservations do not show, and
  // holding made them pessimistic (8x8, 4-flit packets at 80 % of saturation: +12 % instead of +6 %).
  const bool blocked = (span == 1) & (ready >= port.hold_from) & (ready < port.hold_until) & (mine > theirs);
  ready = blocked ? port.hold_until : ready;
  sa_ready = ready;
  // Packets from one input wait side by side on several VCs, but the input still sends one
  // flit per cycle through the switch, so the gap must be free on both.
  const uint64_t grant = reserve_hop(router + out, router + kNocPorts + in_port, ready, span, long_packet);
  if (grant > ready && grant > port.hold_until) {
    port.hold_from = ready;
    port.hold_until = grant;
    port.hold_vc = vc;
    port.hold_ptr = port.last_vc + 1 == nv ? 0 : port.last_vc + 1;
  }
  if (grant >= port.last_grant) {  // the latest winner sets the pointer
    port.last_grant = grant;
    port.last_vc = vc;
  }
  if (grant + span > ovc[chosen].until) ovc[chosen] = BusyInterval{va, grant + span};
  if (in.last_arrive == kNever || arrive > in.last_arrive) {
    in.last_arrive = arrive;
    in.last_leave = grant + span - 1;
  }
  in_vc = chosen;
  return grant;
}

void PacketNetworkModel::build_path_shapes() {
  const int32_t w = int32_t(mesh_.width), h = int32_t(mesh_.height), cols = 2 * w - 1;
  shapes_.assign(size_t(cols) * size_t(2 * h - 1), PathShape{});
  shape_key_.resize(mesh_.nodes());
  for (uint32_t n = 0; n < mesh_.nodes(); ++n) shape_key_[n] = int32_t(mesh_.y_of(n)) * cols + int32_t(mesh_.x_of(n));
  shape_origin_ = shapes_.data() + size_t(h - 1) * size_t(cols) + size_t(w - 1);
  uint64_t leg_words[kFastFlitHops + 1] = {};  // [n]: n hops of leg 1, two bits each
  for (uint32_t n = 1; n <= kFastFlitHops; ++n) leg_words[n] = leg_words[n - 1] << 2 | 1;
  const bool x_first = config_.routing == NocRouting::XY;
  const int32_t per_router = int32_t(kFlitRouterCalendars);
  for (int32_t ry = 1 - h; ry < h; ++ry)
    for (int32_t rx = 1 - w; rx < w; ++rx) {
      PathShape& shape = shape_origin_[ry * cols + rx];
      const int dx = minimal_offset(rx, w, mesh_.torus), dy = minimal_offset(ry, h, mesh_.torus);
      const uint32_t hops = uint32_t(std::abs(dx) + std::abs(dy));
      if (hops > kFastFlitHops) continue;  // hops stays kNoShape: the general walk
      const uint8_t xdir = dx > 0 ? kPortEast : kPortWest, ydir = dy > 0 ? kPortSouth : kPortNorth;
      const int32_t xstep = (dx > 0 ? 1 : -1) * per_router, ystep = (dy > 0 ? 1 : -1) * w * per_router;
      const uint32_t first = uint32_t(std::abs(x_first ? dx : dy));
      const uint8_t first_out = x_first ? xdir : ydir, second_out = x_first ? ydir : xdir;
      shape.legs = leg_words[first] * 2 | leg_words[hops - first] << (2 * first) | uint64_t(3) << (2 * (hops + 1));
      shape.step[0] = 0;
      shape.step[1] = x_first ? ystep : xstep;
      shape.step[2] = x_first ? xstep : ystep;
      shape.out[0] = kPortLocal;
      shape.out[1] = second_out;
      shape.out[2] = first_out;
      for (int leg = 0; leg < 3; ++leg) shape.in[leg] = opposite_port(shape.out[leg]);
      shape.hops = uint8_t(hops);
    }
}

// Below saturation most hops of a 1-flit packet find their cycle free when the head gets there
// (4x4 at 0.35: 89 %). inject_flit takes those in a loop with nothing else live, so that the
// compiler keeps the head and the window in registers (inject's walk, which serves every mode and
// calls the slow paths, spills them to the stack and reloads them at every hop). A hop that waits
// it takes as inject's walk does (take_pair), still without a call (FlitPass::take_hop: the
// grant and the lost arbitrations in one pass over the word, without a branch on how long the
// head waits or how many cycles it loses), then goes back to the loop of free hops. Near
// saturation many hops wait (40 % on 4x4 at 0.65, 28 % on 8x8 at 0.38), and the one-bit test
// of the free hops' loop is then mispredicted at about every other waiting hop: when the hops
// waited more than 0.45 cycles each lately (note_waits; 1.46 on 4x4 at 0.65, 1.10 on 8x8 at
// 0.38), every hop goes through take_hop instead (23 % faster on 4x4 at 0.65; each grant then
// waits for the loads of the hop before, where the predicted test lets the processor run ahead:
// 18 % slower on 4x4 at 0.35, 0.17 cycles per hop, and as fast at 0.50, 0.42). Only a wait past
// the window's end or an interval leaves the rest of the path to the calendars' own paths. The
// hops reserve what inject's walk would: each hop's calendars are its own (a minimal path visits
// each router once), and a hop that does not wait loses no arbitration. kTorus: the next router
// round a torus's rings comes from a table (next_router_), not from the step.

template <bool kTorus>
bool PacketNetworkModel::inject_flit(const NocPacket& packet, DeliveryTiming* timing) {
  const uint32_t src = packet.src;
  const PathShape& shape = shape_origin_[shape_key_[packet.dst] - shape_key_[src]];
  if (shape.hops > kFastFlitHops) return false;
  const uint32_t hops = shape.hops;
  const uint64_t injected = std::max(packet.created_cycle, inject_free_[source_queue(packet)]);
  inject_free_[source_queue(packet)] = injected + 1;
  const uint64_t to_next = to_next_;
  LinkCalendars::FlitPass pass(calendars_);
  uint64_t ready = injected + sa_offset_;
  // The hops' link flits and waits go to the half of flit_counts_ (outside count_window's
  // window, or in it) of the first hop's cycle; a packet whose last hop falls on another side of
  // the window's edges (rare: it crosses one) is corrected after the walk, from the cycles of the
  // hops that waited (count_crossing). So a hop that does not wait pays nothing for the window.
  const size_t first_side = window_.side(ready);
  uint64_t* const counts = flit_counts_.data() + (first_side == 1 ? flit_counts_.size() / 2 : 0);
  const uint64_t first_ready = ready;
  uint32_t waited = 0;  // hops recorded in waited_hop_ and waited_grant_
  size_t router = size_t(src) * kFlitRouterCalendars;  // calendars of the router the head is at
  uint8_t in_port = kPortLocal;
  uint32_t k = 0;  // hops taken
  // One loop over both legs and the ejection, each hop's leg from the path's word and its
  // output, next input and step from the shape's three-entry tables (PathShape).
  uint64_t route = shape.legs;
  const PathShape* const sp = &shape;  // one base for its three tables
  // The calendars of the next router: on a mesh by the step, round a torus's rings by a table.
  auto next_of = [&](size_t router, size_t leg, uint8_t out) __attribute__((always_inline)) {
    return kTorus ? next_router_[router / 2 + out] : size_t(int64_t(router) + sp->step[leg]);
  };
  auto more = [&] { return (route & 3) != 3; };
  uint64_t head_out = 0;
  bool every_hop_recorded = false;  // waited_grant_[k] is hop k's grant for k < waited
  if (pass.bits_only() && wait_cycles_ * kWaitDenominator > hops_seen_ * kWaitNumerator) {
    // Many hops wait: every hop through take_hop, with no branch on whether it waits. Each grant
    // then waits for the loads of the hop before (see above), but the one-bit test it replaces
    // would be mispredicted at about every other waiting hop. Every hop's grant is recorded (a
    // hop that does not wait: its own cycle) in waited_grant_[k], for count_crossing. The
    // calendars' bound of words holding bits is raised once, with the last grant's (the grants
    // only grow along the path).
    const uint8_t* const lost_bound = lost_bound_.data();  // all zero without charge_lost_
    uint64_t* const grants = waited_grant_.data();  // k is 0 here
    uint64_t* next_grant = grants;
    for (; more(); route >>= 2) {
      const size_t leg = route & 3;
      const uint8_t out = sp->out[leg];
      uint64_t grant = 0;
      const size_t input = router + kNocPorts + in_port;
      if (!pass.take_hop_unbounded(router + out, input, ready, lost_bound[lost_slot(input, out)], grant)) break;
      counts[input] += grant - ready;  // the wait
      *next_grant++ = grant;
      ++counts[router + out];  // the link flit
      ready = grant + to_next;
      in_port = sp->in[leg];
      router = next_of(router, leg, out);
    }
    k = uint32_t(next_grant - grants);
    if (k > 0) pass.raise_bound(ready - to_next);
    waited = k;
    every_hop_recorded = true;
    head_out = ready - to_next;  // the last hop's grant (the third loop sets it if it runs)
  } else if (pass.bits_only()) {
    while (more()) {
      for (; more(); route >>= 2, ++k) {  // the hops that do not wait
        const size_t leg = route & 3;
        const uint8_t out = sp->out[leg];
        if (!pass.reserve_pair_if_free(router + out, router + kNocPorts + in_port, ready)) break;
        ++counts[router + out];  // the link flit
        ready += to_next;
        in_port = sp->in[leg];
        router = next_of(router, leg, out);
      }
      if (!more()) break;
      // A hop that waits: take_pair's reservation and charge, still without a call.
      const size_t leg = route & 3;
      const uint8_t out = sp->out[leg];
      const uint32_t lost = lost_bound_[lost_slot(router + kNocPorts + in_port, out)];
      uint64_t grant = 0;
      if (!pass.take_hop(router + out, router + kNocPorts + in_port, ready, lost, grant)) break;
      counts[router + kNocPorts + in_port] += grant - ready;  // the wait
      waited_hop_[waited] = k;
      waited_grant_[waited++] = grant;
      ++counts[router + out];  // the link flit
      ready = grant + to_next;
      in_port = sp->in[leg];
      router = next_of(router, leg, out);
      route >>= 2;
      ++k;
    }
    head_out = ready - to_next;  // the last hop's grant (the third loop sets it if it runs)
  }
  // An interval on some calendar, or a wait past the window's end: the calendars' own paths.
  for (; more(); route >>= 2, ++k) {
    const size_t leg = route & 3;
    const uint8_t out = sp->out[leg];
    const uint32_t node = uint32_t(router / calendars_per_router_);
    head_out = take_pair(node, in_port, out, ready, 1);
    add_wait(node, in_port, head_out - ready);
    waited_hop_[waited] = k;
    waited_grant_[waited++] = head_out;
    ++counts[router + out];  // the link flit (the wait: add_wait)
    ready = head_out + to_next;
    in_port = sp->in[leg];
    router = next_of(router, leg, out);
  }
  note_waits(head_out - first_ready - uint64_t(hops) * to_next, hops + 1);
  if (window_.side(head_out) != first_side)
    count_crossing(packet, first_ready, first_side, waited, every_hop_recorded);
  if (timing) {  // inject_timed's: schedule's, one flit
    timing->head_cycle = timing->tail_cycle = head_out + st_cycles_;
    timing->release_cycle = head_out;
    timing->hops = hops;
    ++stats_.packets_delivered;
    ++stats_.flits_delivered;
  } else {
    schedule(packet, head_out, head_out, hops);
  }
  stats_.energy.add_minimal_path(1, hops);  // count_injected, one flit
  ++stats_.packets_injected;
  ++stats_.flits_injected;
  return true;
}

// A 1-flit packet whose hops lie on both sides of an edge of count_window's window: inject_flit
// counted every hop on the first hop's side. Hop k's cycle is the last waiting hop's grant before
// it (or the first hop's cycle) plus the cycles of the hops between; each hop on another side
// moves its count there.
void PacketNetworkModel::count_crossing(const NocPacket& packet, uint64_t first_cycle, size_t first_side,
                                        uint32_t waited, bool every_hop) {
  const size_t half = flit_counts_.size() / 2;
  const uint64_t to_next = to_next_;
  uint64_t* const from = flit_counts_.data() + (first_side == 1 ? half : 0);
  const uint32_t n = dimension_order_route(packet);  // inject_flit takes no other path
  uint64_t cycle = first_cycle;
  for (uint32_t k = 0, w = 0; k < n; ++k, cycle += to_next) {
    if (w < waited && (every_hop || waited_hop_[w] == k)) cycle = waited_grant_[w++];
    const size_t side = window_.side(cycle);
    if (side == first_side) continue;
    const size_t link = size_t(route_[k].node) * kFlitRouterCalendars + route_[k].out;
    --from[link];
    ++flit_counts_[(side == 1 ? half : 0) + link];
  }
}

uint32_t PacketNetworkModel::dimension_order_route(const NocPacket& packet) {
  uint32_t n = 0, node = packet.src;
  uint8_t in_port = kPortLocal;
  for (;;) {
    uint8_t out[2];
    route_candidates_by_offset(config_.routing, coords_.dx(node, packet.dst), coords_.dy(node, packet.dst), out);
    route_[n++] = RouteHop{node, in_port, out[0]};
    if (out[0] == kPortLocal) return n;
    node = mesh_.neighbour(node, out[0]);
    in_port = opposite_port(out[0]);
  }
}

void PacketNetworkModel::observe_links(NocLinkObserver* observer) {
  observer_ = observer;
  fast_flits_ = fast_flits_allowed_ && !observer && !long_used_;
}

void PacketNetworkModel::count_injected(const NocPacket& packet, uint32_t hops) {
  stats_.energy.add_minimal_path(packet.flits, hops);
  stats_.packets_injected += packet.packets;
  stats_.flits_injected += packet.flits;
}

// The flits' stays at the source router beyond the head's (signed, flit-cycles), the head having
// been written `head_stay` cycles before it won the switch there. Flit k is written one cycle
// after flit k-1, and from k = depth on once flit k-depth has left the local buffer (the cycle
// after); it leaves at its offset behind the head in the packet's occupancy (occupancy_cycles).
// So flit k in block b = k / depth (b >= 1) stays min(head_stay + block_start(b) - b * depth,
// gap_b - 1), gap_b = block_start(b) - block_start(b-1) (block_gaps: depth without throttling,
// where that is min(head_stay, depth-1); else the credit loop, the body flits' beyond the first
// `hops` blocks with body-flit bypass, or the local loop of a packet to its own node). In closed
// form (trains of long packets). A train's packets are taken one by one, each as if its head were
// the train's (an approximation).
namespace {
// sum over t = 1..m of min(a + t * s, c), for s >= 0.
int64_t capped_ramp(int64_t a, int64_t s, int64_t c, int64_t m) {
  if (m <= 0) return 0;
  const int64_t rising = c < a ? 0 : s == 0 ? m : std::min(m, (c - a) / s);  // terms a + t * s <= c
  return rising * a + s * rising * (rising + 1) / 2 + (m - rising) * c;
}
}  // namespace

int64_t PacketNetworkModel::source_stay_correction(const NocPacket& packet, uint64_t head_stay, uint32_t hops) const {
  const int64_t d = config_.vc_buffer_flits, g = int64_t(head_stay);
  // Block b's extra stay is min(block_start(b) - b * depth, gap_b - 1 - head_stay), gap_b being
  // block b's distance from block b-1: the long loop's (near) for blocks 1..hops, the body
  // flits' (far) after them; so a ramp of `step` per block up to a cap, in two pieces.
  const BlockGaps gaps = block_gaps(packet);
  const int64_t near_gap = int64_t(gaps.near), far_gap = int64_t(gaps.far);
  const int64_t near_step = near_gap - d, near_cap = near_gap - 1 - g;
  const int64_t far_step = far_gap - d, far_cap = far_gap - 1 - g;
  auto one = [&](int64_t n) -> int64_t {  // a packet of n flits
    if (n <= d) return 0;
    const int64_t last = (n - 1) / d;  // blocks 1..last; the last holds n - last * d flits
    const int64_t near = std::min<int64_t>(last, hops);
    const int64_t blocks = capped_ramp(0, near_step, near_cap, near) +
                           capped_ramp(near * near_step, far_step, far_cap, last - near);
    const int64_t last_extra = last <= near ? std::min(last * near_step, near_cap)
                                            : std::min(near * near_step + (last - near) * far_step, far_cap);
    return d * blocks - (d - (n - last * d)) * last_extra;
  };
  const int64_t full = int64_t(packet.packets) - 1;
  return full * one(kMaxPacketFlits) + one(int64_t(packet.flits) - full * kMaxPacketFlits);
}

uint64_t PacketNetworkModel::train_cycles(const NocPacket& packet, uint32_t to_go) const {
  const BlockGaps gaps = block_gaps(packet);
  if (packet.packets == 1) return occupancy_cycles(packet.flits, to_go, gaps);
  const uint64_t full = packet.packets - 1;
  return full * occupancy_cycles(kMaxPacketFlits, to_go, gaps) +
         occupancy_cycles(packet.flits - full * kMaxPacketFlits, to_go, gaps);
}

// Flit k's offset behind its head is block_start(k / depth, to_go) + k mod depth; one hop further
// on (to_go one less) the blocks from to_go on start body_loop_ - credit_loop_ earlier (the
// depth-bounded gaps, max(depth, loop), differ by that or less). A train counts each packet so.
int64_t PacketNetworkModel::catch_up_stays(const NocPacket& packet, uint32_t to_go) const {
  const int64_t depth = config_.vc_buffer_flits;
  const BlockGaps gaps = block_gaps(packet);
  const int64_t gap = int64_t(gaps.far) - int64_t(gaps.near);
  if (gap == 0) return 0;
  auto one = [&](int64_t n) { return gap * std::max<int64_t>(0, n - (int64_t(to_go) + 1) * depth); };
  const int64_t full = int64_t(packet.packets) - 1;
  return full * one(kMaxPacketFlits) + one(int64_t(packet.flits) - full * kMaxPacketFlits);
}

void PacketNetworkModel::inject(const NocPacket& packet) {
  check_packet(packet, now_, config_, times_trains());
  if (!try_inject_flit(packet, nullptr)) inject_walk(packet);
}

void PacketNetworkModel::inject_walk(const NocPacket& packet) {
  const uint32_t f = packet.flits;
  if (shallow_ && f > config_.vc_buffer_flits && f <= NocConfig::kShallowFlitByFlit && packet.packets == 1) {
    inject_shallow(packet);
    return;
  }
  // Cycles from head to tail at a hop: the same at every hop unless body-flit bypass lets a
  // throttled packet catch up near its destination (catch_up_), where each hop has its own.
  const bool catch_up = catch_up_ && packet.src != packet.dst && f > config_.vc_buffer_flits;
  const bool long_packet = is_long(f);
  const uint64_t far_span = train_cycles(packet, kFarFromDestination);
  uint64_t span = far_span, source_span = span;
  // A packet's blocks after the first beyond `to_go` start (near - far) earlier each (no division
  // per hop); a train takes train_cycles.
  const uint64_t blocks = catch_up ? (f - 1) / config_.vc_buffer_flits : 0;
  const BlockGaps gaps = catch_up ? block_gaps(packet) : BlockGaps{0, 0};
  const uint64_t shorter = gaps.near - gaps.far;
  // The network interface serialises the packet onto the injection channel, one flit per cycle.
  const uint64_t injected = std::max(packet.created_cycle, inject_free_[source_queue(packet)]);
  uint64_t arrive = injected;
  // Several VCs per class: the flit routers interleave the flits of packets on different VCs, so
  // a long packet's head passes the other VCs' long spans as a short packet does, where its body
  // waits for them. Its own cycle at each router is the first one short_ leaves free from when it
  // is ready there (nothing is reserved for it: the head is its span's first flit), and it leads
  // its tail by at most (F-1) x (m+1) cycles, m the most spans (ceil(wait / span)) its body waited
  // for at a router (there the body trails at about one flit in m+1 cycles). Only the head
  // latency changes (docs/noc.md, "Head latency of long packets"), so a caller that takes only
  // the tail (inject_timed for NocFabric) does not pay for it. With router detail the head still
  // waits for its input VC's FIFO and an output VC (sa_ready), as its body does.
  const bool head_passes = long_packet && !hold_upstream_links_ && !(timed_ && !timed_out_);
  uint64_t head_arrive = injected, head_grant = 0, stretch = 0;
  uint32_t node = packet.src;
  int dx = coords_.dx(node, packet.dst), dy = coords_.dy(node, packet.dst);
  const uint32_t hops = uint32_t(std::abs(dx) + std::abs(dy));
  // The head's pass: at each router the first gap of `span` cycles on the chosen output.
  uint32_t n = 0;         // routers on the path recorded (one VC per class only)
  uint64_t head_out = 0;  // the last grant: the head's switch allocation at the destination
  uint64_t source_grant = 0;  // ... and at the source
  uint8_t in_port = kPortLocal;
  // Several VCs: the interface writes the packet's tail once flit F-1-depth has left the source
  // router (its VC has room then), and that flit leaves no earlier than flit F-1-depth-h*depth
  // has left router h, plus h credit returns (each router on the way holds `depth` of its flits;
  // the flit model's credit rule along the path). So a long packet that waits at a router further
  // on holds its interface's queue for its class: the flit model's back-pressure on the
  // interface. Trains keep the interface's plain rule (one packet of the train after the other).
  const uint32_t depth = config_.vc_buffer_flits;
  const bool back_pressure = !hold_upstream_links_ && f > depth && packet.packets == 1;
  const BlockGaps tail_gaps = back_pressure ? block_gaps(packet) : BlockGaps{0, 0};
  const uint64_t credit = config_.link_latency + config_.credit_latency;
  uint64_t interface_free = 0;  // the next packet's first write, from the routers' grants
  uint32_t router_index = 0;
  const uint32_t class_base = packet.vc_class * vcs_per_class_;
  uint32_t in_vc = 0;  // within the class
  if (router_detail_) {  // the interface writes into the local VC that empties first
    const InputVcState* local = &input_vcs_[size_t(packet.src) * kNocPorts * config_.num_vcs + class_base];
    for (uint32_t v = 1; v < vcs_per_class_; ++v)
      if (local[v].last_leave < local[in_vc].last_leave) in_vc = v;
  }
  auto take = [&](uint8_t out) __attribute__((always_inline)) {  // the head leaves `node` via `out`
    const uint64_t ready = arrive + sa_offset_;
    if (catch_up) {
      const uint32_t to_go = uint32_t(std::abs(dx) + std::abs(dy));  // hops after this router
      span = packet.packets > 1 ? train_cycles(packet, to_go) : far_span - (blocks > to_go ? (blocks - to_go) * shorter : 0);
      // The body flits left the router before later than they leave this one (stream_wormhole
      // counts the single-VC stays flit by flit).
      if (in_port != kPortLocal && !hold_upstream_links_)
        add_wait(node, in_port, uint64_t(catch_up_stays(packet, to_go)));
    }
    const size_t router = size_t(node) * calendars_per_router_;
    uint64_t grant, sa_ready = ready;
    if (hold_upstream_links_) {
      grant = class_vcs_ ? reserve_wormhole(router, out, packet.vc_class, ready, span, long_packet)
                         : calendars_.reserve(router + out, ready, span);
    } else if (router_detail_) {
      grant = pass_router(node, in_port, out, ready, arrive, span, long_packet, class_base, in_vc, sa_ready);
      if (charge_lost_ && grant > sa_ready) charge_lost_arbitrations(node, in_port, out, sa_ready, grant);
    } else {
      grant = take_pair(node, in_port, out, ready, span, long_packet);
    }
    if (hold_upstream_links_) {  // stream_wormhole times the body flits along the path
      path_[n].output = uint32_t(router + out);
      path_[n].grant = grant;
      path_[n].input = node * kNocPorts + in_port;
      path_[n].span = span;
      ++n;
    }
    if (in_port == kPortLocal) {
      source_grant = grant;
      source_span = span;
    }
    if (back_pressure && (grant > ready || router_index == 0) && f - 1 - depth >= uint64_t(router_index) * depth) {
      // Flit F-1-depth's rank here and its offset behind the head once the packet streams. It
      // leaves by grant + offset (the packet model's own span); but a packet that waits for an
      // output other VCs' packets stream on is not idle in the flit routers: their switch
      // allocator sends its flits in turn with theirs, one in (m + 1) cycles from when it was
      // ready, m being the packets its wait covers (one per span of its length, and the one
      // streaming). The earlier of the two.
      const uint64_t k = f - 1 - depth - uint64_t(router_index) * depth;
      const uint64_t offset = block_start(k / depth, hops - router_index, tail_gaps) + k % depth;
      const uint64_t shared = (grant - ready) / span + 2;  // m + 1
      const uint64_t leaves = std::min(grant + offset, ready + shared * offset);
      interface_free = std::max(interface_free, leaves + uint64_t(router_index) * credit + 2);
    }
    ++router_index;
    head_out = grant;
    if (head_passes) {  // (with its body while neither waited: its body's grant)
      const bool ahead = head_arrive < arrive || grant > sa_ready;
      const uint64_t head_ready = std::max(head_arrive + sa_offset_, sa_ready > ready ? sa_ready : uint64_t(0));
      head_grant = ahead ? std::min(grant, short_.first_free(router + out, head_ready)) : grant;
      head_arrive = head_grant + st_cycles_ + config_.link_latency;
      if (grant > sa_ready) stretch = std::max(stretch, (grant - sa_ready + span - 1) / span);
    }
    // Every flit waits as the head does (with one VC stream_wormhole counts the waits).
    if (!hold_upstream_links_) add_wait(node, in_port, f * (grant - ready));
    count_hop(node, out, f, grant, span);
    arrive = grant + st_cycles_ + config_.link_latency;
    in_port = opposite_port(out);
    switch (out) {  // move to the neighbour (round the ring on a torus); (dx, dy) is what is left to go
      case kPortEast: node = mesh_.torus ? mesh_.torus_neighbour(node, out) : node + 1; --dx; break;
      case kPortWest: node = mesh_.torus ? mesh_.torus_neighbour(node, out) : node - 1; ++dx; break;
      case kPortNorth: node = mesh_.torus ? mesh_.torus_neighbour(node, out) : node - mesh_.width; ++dy; break;
      case kPortSouth: node = mesh_.torus ? mesh_.torus_neighbour(node, out) : node + mesh_.width; --dy; break;
      default: break;
    }
  };
  if (config_.routing == NocRouting::WestFirst) {  // adaptive: the earlier free output
    while (dx != 0 || dy != 0) {
      const size_t router = size_t(node) * calendars_per_router_;
      const uint64_t ready = arrive + sa_offset_;
      take(select_route_by_offset(config_.routing, dx, dy, [&](uint8_t p) {
        return std::numeric_limits<uint64_t>::max() - calendars_.first_free(router + p, ready);
      }));
    }
  } else {  // dimension order: two straight legs
    const uint8_t xdir = dx > 0 ? kPortEast : kPortWest, ydir = dy > 0 ? kPortSouth : kPortNorth;
    const bool x_first = config_.routing == NocRouting::XY;
    const uint32_t first = uint32_t(std::abs(x_first ? dx : dy)), second = uint32_t(std::abs(x_first ? dy : dx));
    for (uint32_t i = 0; i < first; ++i) take(x_first ? xdir : ydir);
    for (uint32_t i = 0; i < second; ++i) take(x_first ? ydir : xdir);
  }
  take(kPortLocal);  // ejection
  uint64_t tail_out = head_out + span - 1;
  if (hold_upstream_links_) {
    tail_out = stream_wormhole(packet, injected, n);
  } else {
    inject_free_[source_queue(packet)] = std::max(injected + source_span, interface_free);
    if (f > config_.vc_buffer_flits)
      add_wait(packet.src, kPortLocal, uint64_t(source_stay_correction(packet, source_grant - injected, hops)));
  }

  uint64_t head_cycle = head_out;
  if (head_passes) {
    const uint64_t lead = uint64_t(f - 1) * (stretch + 1);
    head_cycle = std::min(head_out, std::max(head_grant, tail_out > lead ? tail_out - lead : 0));
  }
  schedule(packet, head_cycle, tail_out, hops);
  count_injected(packet, hops);
}

// Wormhole with one VC per class, flit by flit along the path whose head times the first pass
// fixed: flit k leaves router i (switch allocation) once it has arrived and passed the pipeline,
// one cycle after flit k-1, and once router i+1 has returned the credit of flit k-depth, the
// same rules as the flit model. A packet blocked downstream therefore keeps only the links its
// remaining flits still have to cross (a longer packet spans more buffers), each until its tail
// has crossed and the downstream buffer has room for the next packet; those holds are marked on
// the calendars. Returns the tail's switch allocation cycle at the destination.
uint64_t PacketNetworkModel::stream_wormhole(const NocPacket& packet, uint64_t injected, uint32_t n) {
  const uint32_t f = packet.flits, d = config_.vc_buffer_flits;
  const uint64_t to_next = st_cycles_ + config_.link_latency;  // switch allocation -> downstream buffer
  const uint64_t credit = config_.link_latency + config_.credit_latency;
  // times_[i * d + k % d]: cycle flit k leaves router i (the last `d` flits of each hop).
  uint64_t* t = times_.data();
  // waits[i]: the flits' waits at router i, the head's first (zeroed after use).
  uint64_t* const waits = waits_.data();
  uint64_t head_sent = injected;  // cycle the head was sent into router i's buffer
  for (uint32_t i = 0; i < n; ++i) {
    t[size_t(i) * d] = path_[i].grant;
    waits[i] += path_[i].grant - head_sent - sa_offset_;
    head_sent = path_[i].grant + to_next;
  }
  const uint64_t body_wait = body_sa_offset_, head_wait = sa_offset_;
  uint64_t inject_k = injected;  // cycle flit k is written into the source's local buffer
  uint32_t slot = 0;  // k % d, counted (not divided)
  for (uint32_t k = 1; k < f; ++k) {
    const uint32_t prev = slot;
    slot = slot + 1 == d ? 0 : slot + 1;
    inject_k = inject_k + 1;
    if (k >= d) inject_k = std::max(inject_k, t[slot] + 1);  // room freed by flit k-d at router 0
    uint64_t arrived = inject_k;
    for (uint32_t i = 0; i < n; ++i) {
      uint64_t* hop = t + size_t(i) * d;
      // A body flit may win switch allocation body_sa_offset_ after its write (0 with body-flit
      // bypass); its wait is counted against the head's sa_offset_ (stats() adds that to every
      // flit's stay), so it may be negative (wrapping, summed modulo 2^64 as stay_waits_ reads it).
      uint64_t leave = std::max(arrived + body_wait, hop[prev] + 1);
      if (k >= d && i + 1 < n) leave = std::max(leave, hop[d + slot] + credit);  // credit of flit k-d
      hop[slot] = leave;
      waits[i] += leave - (arrived + head_wait);
      arrived = leave + to_next;
    }
  }
  for (uint32_t i = 0; i < n; ++i) {
    stay_waits_[path_[i].input] += int64_t(waits[i]);
    waits[i] = 0;
  }
  const uint32_t last = (f - 1) % d;
  for (uint32_t i = 0; i + 1 < n; ++i) {
    const uint64_t* hop = t + size_t(i) * d;
    uint64_t end = hop[last] + 1;  // the tail has crossed
    if (f >= d) end = std::max(end, hop[d + (f - d) % d] + credit);  // a free slot downstream
    const uint64_t reserved_end = path_[i].grant + path_[i].span;
    if (end > reserved_end) {
      calendars_.hold(path_[i].output, reserved_end, end);
      if (class_vcs_ && long_used_) owned_.hold(owned_calendar(path_[i].output, packet.vc_class), reserved_end, end);
    }
  }
  // The interface writes the next packet once this tail is in and the local buffer has room.
  uint64_t free_at = inject_k + 1;
  if (f >= d) free_at = std::max(free_at, t[(f - d) % d] + 1);
  inject_free_[source_queue(packet)] = free_at;
  return t[size_t(n - 1) * d + last];
}

// Several VCs per class, buffers shallower than the credit loop, a packet longer than a buffer:
// it is throttled to `depth` flits per credit loop, and the switch allocator interleaves the
// flits of different VCs on an output one by one, so other packets use the cycles between its
// flits. Its flits are timed one by one along the path with the flit model's rules (as
// stream_wormhole's with one VC): flit k leaves router i (switch allocation) at the first cycle
// free on the output and on the switch input at or after its arrival plus the pipeline, one cycle
// after flit k-1, and once router i+1 has returned the credit of flit k-depth; the interface
// writes flit k one cycle after flit k-1 once its local VC has room. Each flit takes its own
// cycle on both calendars. Not modelled: other packets' flits sharing its VC (each packet has a
// VC to itself) and, as with deeper buffers, back-pressure from other packets.
void PacketNetworkModel::inject_shallow(const NocPacket& packet) {
  const uint32_t f = packet.flits, d = config_.vc_buffer_flits;
  const uint32_t n = dimension_order_route(packet);
  const std::vector<RouteHop>& routers = route_;
  const uint64_t to_next = st_cycles_ + config_.link_latency;
  const uint64_t credit = config_.link_latency + config_.credit_latency;
  uint64_t* const t = times_.data();  // [i * d + k % d]: cycle flit k leaves router i
  uint64_t* const waits = waits_.data();
  const uint64_t injected = std::max(packet.created_cycle, inject_free_[source_queue(packet)]);
  uint64_t write = injected;  // cycle the interface writes flit k into the local buffer
  uint32_t slot = 0, prev = 0;  // k % d and (k - 1) % d, counted
  for (uint32_t k = 0; k < f; ++k) {
    if (k > 0) {
      prev = slot;
      slot = slot + 1 == d ? 0 : slot + 1;
      write += 1;
      if (k >= d) write = std::max(write, t[slot] + 1);  // room freed by flit k-d at router 0
    }
    uint64_t arrived = write;
    for (uint32_t i = 0; i < n; ++i) {
      const RouteHop& r = routers[i];
      uint64_t* hop = t + size_t(i) * d;
      const uint64_t ready = arrived + (k == 0 ? sa_offset_ : body_sa_offset_);
      uint64_t earliest = ready;
      if (k > 0) earliest = std::max(earliest, hop[prev] + 1);
      if (k >= d && i + 1 < n) earliest = std::max(earliest, hop[d + slot] + credit);  // credit of flit k-d
      const size_t router = size_t(r.node) * calendars_per_router_;
      const size_t output = router + r.out, input = router + kNocPorts + r.in_port;
      uint64_t cycle = earliest;
      for (;;) {
        const uint64_t o = calendars_.find_gap(output, cycle, 1);
        cycle = calendars_.find_gap(input, o, 1);
        if (cycle == o) break;
      }
      if (k == 0 && charge_lost_ && cycle > earliest) charge_lost_arbitrations(r.node, r.in_port, r.out, earliest, cycle);
      calendars_.mark(output, cycle, 1);
      calendars_.mark(input, cycle, 1);
      count_hop(r.node, r.out, 1, cycle, 1);  // in its own cycle: other packets' flits interleave
      // Waits against the head's pipeline (stats() adds sa_offset_ to every flit's stay; with
      // body-flit bypass a body flit's may be negative, summed modulo 2^64 as stay_waits_ reads it).
      waits[i] += cycle - (arrived + sa_offset_);
      hop[slot] = cycle;
      if (k == 0) path_[i].grant = cycle;
      arrived = cycle + to_next;
    }
  }
  const uint32_t last = (f - 1) % d;
  for (uint32_t i = 0; i < n; ++i) {
    stay_waits_[size_t(routers[i].node) * kNocPorts + routers[i].in_port] += int64_t(waits[i]);
    waits[i] = 0;
  }
  // The interface writes the next packet's head the cycle after this tail, into another local VC
  // (the one with the most room, as the flit model's interface picks it).
  inject_free_[source_queue(packet)] = write + 1;
  const uint32_t hops = n - 1;
  schedule(packet, path_[n - 1].grant, t[size_t(n - 1) * d + last], hops);
  count_injected(packet, hops);
}

namespace {
// inject_timed: back to queueing on every way out (inject throws for a bad packet).
struct TimedScope {
  bool& on;
  DeliveryTiming*& out;
  TimedScope(bool& flag, DeliveryTiming*& timing_out, DeliveryTiming* timing) : on(flag), out(timing_out) {
    on = true;
    out = timing;
  }
  ~TimedScope() {
    on = false;
    out = nullptr;
  }
};
}  // namespace

uint64_t PacketNetworkModel::inject_timed(const NocPacket& packet, const std::vector<uint32_t>& dsts) {
  const TimedScope scope(timed_, timed_out_, nullptr);
  timed_tail_ = 0;
  if (dsts.empty()) inject(packet);
  else inject_multicast(packet, dsts);
  return timed_tail_;
}

void PacketNetworkModel::inject_timed(const NocPacket& packet, DeliveryTiming& timing) {
  check_packet(packet, now_, config_, times_trains());
  if (try_inject_flit(packet, &timing)) return;
  const TimedScope scope(timed_, timed_out_, &timing);
  inject_walk(packet);
}

void PacketNetworkModel::release(const DeliveredPacket& delivery) {
  delivered_.push_back(delivery);
  --pending_count_;
  stats_.packets_delivered += delivery.packet.packets;
  stats_.flits_delivered += delivery.packet.flits;
}

void PacketNetworkModel::advance_to(uint64_t cycle) {
  while (now_ < cycle) {
    if (pending_count_ == 0) {
      now_ = cycle;
      break;
    }
    while (!far_.empty() && far_.top().release_cycle == now_) {
      release(far_.top().delivery);
      far_.pop();
    }
    const uint64_t b = now_ % kBuckets;
    std::vector<DeliveredPacket>& bucket = buckets_[b];
    for (const DeliveredPacket& delivery : bucket) release(delivery);
    bucket.clear();
    nonempty_[b >> 6] &= ~(uint64_t(1) << (b & 63));
    // Jump to the next cycle that releases something (or to `cycle`).
    uint64_t next = next_bucket_cycle(now_ + 1);
    if (!far_.empty()) next = std::min(next, far_.top().release_cycle);
    now_ = std::min(std::max(next, now_ + 1), cycle);
  }
  // The calendars forget the cycles before now_ (only here does now_ move).
  calendars_.advance(now_);
  short_.advance(now_);
  if (class_vcs_) owned_.advance(now_);
}

uint64_t PacketNetworkModel::next_bucket_cycle(uint64_t from) const {
  const uint64_t end = now_ + kBuckets;  // buckets cover [now_, now_ + kBuckets)
  const uint64_t at = first_marked_cycle(nonempty_, kBuckets, from, end);
  return at < end ? at : std::numeric_limits<uint64_t>::max();
}

uint64_t PacketNetworkModel::next_activity_cycle() const {
  if (pending_count_ == 0) return std::numeric_limits<uint64_t>::max();
  const uint64_t near = next_bucket_cycle(now_);
  return far_.empty() ? near : std::min(near, far_.top().release_cycle);
}

void PacketNetworkModel::take_delivered(std::vector<DeliveredPacket>& out) {
  if (out.empty()) {
    out.swap(delivered_);  // the common case: no copy
  } else {
    out.insert(out.end(), delivered_.begin(), delivered_.end());
  }
  delivered_.clear();
}

void PacketNetworkModel::count_window(uint64_t begin, uint64_t end) {
  window_ = CountWindow::between(begin, end);
  const size_t half = flit_counts_.size() / 2;
  for (size_t i = 0; i < half; ++i) {  // the 1-flit loop's counts in the old window are just counts now
    flit_counts_[i] += flit_counts_[half + i];
    flit_counts_[half + i] = 0;
  }
  stats_.window_link_flits.assign(stats_.link_flits.size(), 0.0);
}

NocStats PacketNetworkModel::stats() const {
  NocStats s = stats_;
  s.cycle = now_;
  // The 1-flit loop's counts (flit_counts_): by a router's output calendars its link flits, by
  // its input calendars its waits (added below).
  const size_t half = flit_counts_.size() / 2;
  for (uint32_t node = 0; node < mesh_.nodes(); ++node)
    for (uint8_t p = 0; p < kNocPorts; ++p) {
      const size_t link = size_t(node) * kNocPorts + p, c = size_t(node) * kFlitRouterCalendars + p;
      s.link_flits[link] += flit_counts_[c] + flit_counts_[half + c];
      if (window_.cycles) s.window_link_flits[link] += double(flit_counts_[half + c]);
    }
  // A flit that enters a router leaves it by one output (a multicast tree's router sends some
  // more than once): the flits a router sent, less those its neighbours sent it and the copies,
  // came from its interface. Their stays before any wait: the hop's pipeline and link, at the
  // source router the pipeline before switch allocation.
  const uint64_t hop_cycles = to_next_;
  s.occupancy_flit_cycles.assign(mesh_.nodes(), 0);
  for (uint32_t node = 0; node < mesh_.nodes(); ++node) {
    uint64_t sent = 0, received = 0;
    int64_t waits = 0;
    for (uint8_t p = 0; p < kNocPorts; ++p) {
      sent += s.link_flits[size_t(node) * kNocPorts + p];
      waits += stay_waits_[size_t(node) * kNocPorts + p];
      const size_t input = size_t(node) * kFlitRouterCalendars + kNocPorts + p;  // inject_flit's (modulo 2^64)
      waits += int64_t(flit_counts_[input] + flit_counts_[half + input]);
      if (p != kPortLocal && mesh_.has_neighbour(node, p))
        received += s.link_flits[size_t(mesh_.neighbour(node, p)) * kNocPorts + opposite_port(p)];
    }
    const uint64_t local = sent - received - replicated_flits_[node];
    s.occupancy_flit_cycles[node] = uint64_t(waits) + received * hop_cycles + local * sa_offset_;
  }
  return s;
}

}  // namespace star
