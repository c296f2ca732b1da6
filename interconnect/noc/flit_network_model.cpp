#include "noc/flit_network_model.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "noc/routing.h"

namespace star {

namespace {
constexpr uint32_t kUnlimitedCredits = std::numeric_limits<uint32_t>::max() / 2;
}

FlitNetworkModel::FlitNetworkModel(const NocConfig& config) : config_(config) {
  config_.validate();
  mesh_ = config_.mesh();
  vcs_ = config_.num_vcs;
  depth_ = config_.vc_buffer_flits;
  vcs_per_class_ = config_.vcs_per_class();
  const uint32_t r = config_.router_stages;
  sa_offset_ = r >= 2 ? r - 2 : 0;
  va_offset_ = r >= 3 ? r - 3 : 0;
  body_sa_offset_ = config_.body_flit_bypass ? 0 : sa_offset_;
  va_lead_ = sa_offset_ - va_offset_;
  st_cycles_ = r >= 2 ? 2 : 1;
  va_before_sa_ = r >= 3;

  const uint32_t n = mesh_.nodes();
  const size_t nvc = size_t(n) * kNocPorts * vcs_;
  flits_.resize(nvc * depth_);
  input_vcs_.resize(nvc);
  out_vc_busy_.assign(nvc, 0);
  credits_.assign(nvc, depth_);
  for (uint32_t node = 0; node < n; ++node)
    for (uint32_t v = 0; v < vcs_; ++v) credits_[vc_index(node, kPortLocal, v)] = kUnlimitedCredits;
  credit_capacity_ = (kNocPorts - 1) * vcs_ * depth_ + 1;  // every downstream slot of the 4 mesh outputs
  credit_slots_.resize(size_t(n) * credit_capacity_);
  credit_rings_.resize(n);
  coords_ = MeshCoordinates(mesh_);
  dimension_order_ = config_.routing == NocRouting::XY || config_.routing == NocRouting::YX;
  for (int sx = -1; sx <= 1; ++sx)
    for (int sy = -1; sy <= 1; ++sy) {
      uint8_t out[2];
      route_candidates_by_offset(config_.routing, sx, sy, out);
      dor_ports_[(sx + 1) * 3 + sy + 1] = out[0];
    }
  neighbour_.assign(size_t(mesh_.nodes()) * kNocPorts, 0);
  for (uint32_t node = 0; node < mesh_.nodes(); ++node)
    for (uint8_t p = 0; p < kNocPorts; ++p)
      if (p != kPortLocal && mesh_.has_neighbour(node, p))
        neighbour_[size_t(node) * kNocPorts + p] = mesh_.neighbour(node, p);
  arrival_capacity_ = (kNocPorts - 1) * vcs_;  // at most one waiting head per link input VC
  arrivals_.resize(size_t(n) * arrival_capacity_);
  arrival_rings_.resize(n);
  for (uint32_t i = 0; i < kNocPorts * vcs_; ++i) {
    requester_port_.push_back(uint8_t(i / vcs_));
    requester_vc_.push_back(uint8_t(i % vcs_));
  }
  sa_in_rr_.assign(size_t(n) * kNocPorts, 0);
  sa_out_rr_.assign(size_t(n) * kNocPorts, 0);
  va_out_rr_.assign(nvc, 0);
  router_flits_.assign(n, 0);
  active_mask_.assign(size_t(n) * kNocPorts, 0);
  needs_va_mask_.assign(size_t(n) * kNocPorts, 0);
  router_wake_.assign(n, std::numeric_limits<uint64_t>::max());
  credits_in_flight_.assign(n, 0);
  occupancy_last_.assign(n, 0);
  occupancy_integral_.assign(n, 0);
  sources_.resize(size_t(n) * config_.num_vc_classes);
  source_rr_.assign(n, 0);
  va_winner_.assign(kNocPorts * vcs_, -1);
  va_distance_.assign(kNocPorts * vcs_, 0);
  va_requested_.reserve(kNocPorts * vcs_);
  stats_.link_flits.assign(size_t(n) * kNocPorts, 0);
}

void FlitNetworkModel::inject(const NocPacket& packet) {
  check_packet(packet, now_, config_);
  uint32_t slot;
  if (free_slots_.empty()) {
    slot = uint32_t(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  slots_[slot] = PacketSlot{packet, 0};
  sources_[size_t(packet.src) * config_.num_vc_classes + packet.vc_class].slots.push_back(slot);
  ++queued_packets_;
  ++outstanding_packets_;
  ++stats_.packets_injected;
}

uint64_t FlitNetworkModel::next_activity_cycle() const {
  if (flits_in_network_ > 0) return now_;
  uint64_t next = std::numeric_limits<uint64_t>::max();
  if (queued_packets_ == 0) return next;
  for (const SourceQueue& q : sources_)
    if (!q.slots.empty()) next = std::min(next, slots_[q.slots.front()].packet.created_cycle);
  return std::max(next, now_);
}

void FlitNetworkModel::advance_to(uint64_t cycle) {
  while (now_ < cycle) {
    if (flits_in_network_ == 0) {
      const uint64_t next = next_activity_cycle();  // skip cycles with nothing to do
      if (next >= cycle) {
        now_ = cycle;
        break;
      }
      now_ = next;
    }
    step();
  }
}

void FlitNetworkModel::step() {
  const uint32_t n = mesh_.nodes();
  if (queued_packets_ > 0)
    for (uint32_t node = 0; node < n; ++node) inject_from_source(node);
  for (uint32_t router = 0; router < n; ++router) {
    if (router_flits_[router] == 0 || router_wake_[router] > now_) continue;
    router_wake_[router] = std::numeric_limits<uint64_t>::max();  // the scans below set it again
    if (credits_in_flight_[router]) apply_credits(router);
    if (arrival_rings_[router].count) admit_arrivals(router);
    if (nonzero_ports(&needs_va_mask_[size_t(router) * kNocPorts])) allocate_vcs(router);
    allocate_switch(router);
  }
  ++now_;
}

// The network interface writes at most one flit per cycle into the local input port, taking the
// virtual networks in turn so a blocked request can never hold back a response.
void FlitNetworkModel::inject_from_source(uint32_t node) {
  const uint32_t classes = config_.num_vc_classes;
  for (uint32_t k = 0; k < classes; ++k) {
    const uint32_t c = (source_rr_[node] + k) % classes;
    SourceQueue& q = sources_[size_t(node) * classes + c];
    if (q.slots.empty()) continue;
    const PacketSlot& ps = slots_[q.slots.front()];
    if (ps.packet.created_cycle > now_) continue;
    if (q.vc < 0) {  // head: take the class VC with the most free space
      uint32_t best_free = 0;
      for (uint32_t i = 0; i < vcs_per_class_; ++i) {
        const uint32_t v = c * vcs_per_class_ + i;
        const uint32_t free = depth_ - input_vcs_[vc_index(node, kPortLocal, v)].count;
        if (free > best_free) {
          best_free = free;
          q.vc = int32_t(v);
        }
      }
      if (q.vc < 0) continue;
    } else if (input_vcs_[vc_index(node, kPortLocal, uint32_t(q.vc))].count >= depth_) {
      continue;
    }
    const uint8_t flags = uint8_t((q.next_seq == 0 ? kHead : 0) | (q.next_seq + 1 == ps.packet.flits ? kTail : 0));
    write_flit(node, kPortLocal, uint32_t(q.vc),
               Flit{now_, q.slots.front(), uint16_t(ps.packet.dst), uint8_t(ps.packet.vc_class), flags});
    ++flits_in_network_;
    ++stats_.flits_injected;
    if (++q.next_seq == ps.packet.flits) {
      q.slots.pop_front();
      --queued_packets_;
      q.next_seq = 0;
      q.vc = -1;
    }
    source_rr_[node] = c + 1;
    return;
  }
}

void FlitNetworkModel::apply_credits(uint32_t router) {
  CreditRing& ring = credit_rings_[router];
  const Credit* slots = &credit_slots_[size_t(router) * credit_capacity_];
  while (ring.count > 0) {
    const Credit& c = slots[ring.first];
    if (c.due > now_) break;
    ++credits_[vc_index(router, c.port, c.vc)];
    --credits_in_flight_[router];
    ring.first = wrap(ring.first + 1, credit_capacity_);
    --ring.count;
  }
}

void FlitNetworkModel::admit_arrivals(uint32_t router) {
  CreditRing& ring = arrival_rings_[router];
  const Arrival* slots = &arrivals_[size_t(router) * arrival_capacity_];
  while (ring.count > 0) {
    const Arrival& a = slots[ring.first];
    if (a.arrive + va_offset_ > now_) {
      wake_at(router, a.arrive + va_offset_);
      break;
    }
    needs_va_mask_[size_t(router) * kNocPorts + a.port] |= uint16_t(1u << a.vc);
    ring.first = wrap(ring.first + 1, arrival_capacity_);
    --ring.count;
  }
}

uint32_t FlitNetworkModel::free_slots_towards(uint32_t router, uint8_t port, uint32_t vc_class) const {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < vcs_per_class_; ++i) sum += credits_[vc_index(router, port, vc_class * vcs_per_class_ + i)];
  return sum;
}

// Torus dateline (BookSim2's dim_order_torus): a packet whose way along this port's ring crosses the
// wrap-around link takes the upper half of its class's VCs on that ring, every other packet the
// lower half. The lower half never carries the wrap-around link; the upper half carries only
// packets crossing it, whose minimal ways (at most half the ring) cover at most k-1 of a ring's k
// links. So neither half closes a cycle of waits round a ring (dimension order adds none across
// the rings). A dimension-order leg starts at the source's coordinate in that dimension.
bool FlitNetworkModel::crosses_dateline(uint8_t port, uint32_t src, uint32_t dst) const {
  const int32_t from_x = coords_.x[src], from_y = coords_.y[src];
  const int32_t to_x = coords_.x[dst], to_y = coords_.y[dst];
  switch (port) {
    case kPortEast: return to_x < from_x;  // eastwards the ring wraps from the last column to the first
    case kPortWest: return to_x > from_x;
    case kPortNorth: return to_y > from_y;
    default: return to_y < from_y;
  }
}

// Route computation and separable (input-first) round-robin VC allocation.
void FlitNetworkModel::allocate_vcs(uint32_t router) {
  const uint32_t inputs = kNocPorts * vcs_;
  va_requested_.clear();
  for (uint32_t ports = nonzero_ports(&needs_va_mask_[size_t(router) * kNocPorts]); ports; ports &= ports - 1) {
    const uint32_t port = uint32_t(__builtin_ctz(ports));
    for (uint32_t bits = needs_va_mask_[size_t(router) * kNocPorts + port]; bits; bits &= bits - 1) {
      const uint32_t v = uint32_t(__builtin_ctz(bits));
      const size_t ivc = vc_index(router, port, v);
      InputVc& s = input_vcs_[ivc];
      if (s.front_ready - va_lead_ > now_) {  // still on the link or in route computation
        wake_at(router, s.front_ready - va_lead_);
        continue;
      }
      wake_at(router, now_ + 1);  // whether it wins or not, it acts again next cycle
      const uint32_t vc_class = s.front_class;
      if (s.out_port < 0) {
        const int dx = coords_.dx(router, s.front_dst), dy = coords_.dy(router, s.front_dst);
        if (dimension_order_) {  // by a table of the offsets' signs: no branch on them
          s.out_port = int8_t(dor_ports_[((dx > 0) - (dx < 0) + 1) * 3 + (dy > 0) - (dy < 0) + 1]);
        } else {
          s.out_port = int8_t(select_route_by_offset(config_.routing, dx, dy, [&](uint8_t p) {
            return free_slots_towards(router, p, vc_class);
          }));
        }
        ++stats_.energy.routing;
      }
      // Input stage: this VC asks for one free output VC of its class.
      int32_t want = -1;
      if (mesh_.torus && s.out_port != kPortLocal) {  // the dateline's half of the class's VCs
        const uint32_t half = vcs_per_class_ / 2;
        const bool upper = crosses_dateline(uint8_t(s.out_port), slots_[front(ivc).slot].packet.src, s.front_dst);
        const uint32_t lo = upper ? half : 0, n = upper ? vcs_per_class_ - half : half;
        for (uint32_t k = 0; k < n; ++k) {
          const uint32_t o = vc_class * vcs_per_class_ + lo + (s.va_rr + k) % n;
          if (!out_vc_busy_[vc_index(router, uint32_t(s.out_port), o)]) {
            want = int32_t(o);
            break;
          }
        }
      } else {
        for (uint32_t k = 0; k < vcs_per_class_; ++k) {
          uint32_t i = s.va_rr + k;
          if (i >= vcs_per_class_) i -= vcs_per_class_;
          const uint32_t o = vc_class * vcs_per_class_ + i;
          if (!out_vc_busy_[vc_index(router, uint32_t(s.out_port), o)]) {
            want = int32_t(o);
            break;
          }
        }
      }
      if (want < 0) continue;
      // Output stage: round-robin among the input VCs asking for the same output VC.
      const uint32_t out = uint32_t(s.out_port) * vcs_ + uint32_t(want);
      const uint32_t requester = port * vcs_ + v;
      const uint32_t ptr = va_out_rr_[size_t(router) * inputs + out];
      const int32_t dist = int32_t(requester >= ptr ? requester - ptr : requester + inputs - ptr);
      if (va_winner_[out] < 0) {
        va_requested_.push_back(out);
        va_winner_[out] = int32_t(requester);
        va_distance_[out] = dist;
      } else if (dist < va_distance_[out]) {
        va_winner_[out] = int32_t(requester);
        va_distance_[out] = dist;
      }
    }
  }
  for (uint32_t out : va_requested_) {
    const uint32_t requester = uint32_t(va_winner_[out]);
    const uint32_t in_port = requester_port_[requester], in_vc = requester_vc_[requester];
    InputVc& s = input_vcs_[vc_index(router, in_port, in_vc)];
    needs_va_mask_[size_t(router) * kNocPorts + in_port] &= uint16_t(~(1u << in_vc));
    active_mask_[size_t(router) * kNocPorts + in_port] |= uint16_t(1u << in_vc);
    s.out_vc = int8_t(out % vcs_);
    s.va_cycle = now_;
    s.va_rr = uint8_t(wrap(s.va_rr + 1u, vcs_per_class_));
    out_vc_busy_[size_t(router) * inputs + out] = 1;
    va_out_rr_[size_t(router) * inputs + out] = wrap(requester + 1, inputs);
    va_winner_[out] = -1;
  }
}

// Separable input-first round-robin switch allocation: each input port nominates one ready VC
// with a credit, then each output port grants one of the inputs nominating it. With
// switch_alloc_iterations > 1, the inputs whose nominee lost nominate again among their VCs
// bound for outputs still free, and those outputs grant again (iSLIP-style: only the first
// iteration moves the round-robin pointers).
void FlitNetworkModel::allocate_switch(uint32_t router) {
  int32_t nominee[kNocPorts];
  uint32_t request_inputs[kNocPorts] = {0, 0, 0, 0, 0};  // per output: bit per nominating input
  uint32_t requests = 0;                                 // bit per requested output
  uint32_t lost_inputs = 0;                              // bit per input whose nominee lost
  uint32_t granted_outputs = 0;
  // The ports with candidates, found without a branch per port (which mispredicts often).
  for (uint32_t ports = nonzero_ports(&active_mask_[size_t(router) * kNocPorts]); ports; ports &= ports - 1) {
    const uint32_t port = uint32_t(__builtin_ctz(ports));
    nominee[port] = -1;
    const size_t rp = size_t(router) * kNocPorts + port;
    const uint32_t mask = active_mask_[rp];
    // Round robin: VCs from the pointer upwards, then the ones below it.
    const uint32_t ptr = sa_in_rr_[rp];
    for (uint32_t bits = rotate_right(mask, ptr); bits; bits &= bits - 1) {
      const uint32_t v = vc_after(ptr, uint32_t(__builtin_ctz(bits)));
      const size_t ivc = vc_index(router, port, v);
      const InputVc& s = input_vcs_[ivc];
      if (s.count == 0) continue;  // the packet's next flit is still upstream
      if (s.front_ready > now_) {
        wake_at(router, s.front_ready);
        continue;
      }
      if ((va_before_sa_ && s.va_cycle >= now_) ||
          credits_[vc_index(router, uint32_t(s.out_port), uint32_t(s.out_vc))] == 0) {
        wake_at(router, now_ + 1);  // eligible but waiting: retries next cycle
        continue;
      }
      // The nominee's own next wake is set when it traverses (or below if it loses); the other
      // VCs of this port were not all scanned, so they retry next cycle.
      if (mask & ~(1u << v)) wake_at(router, now_ + 1);
      nominee[port] = int32_t(v);
      request_inputs[uint32_t(s.out_port)] |= 1u << port;
      requests |= 1u << uint32_t(s.out_port);
      break;
    }
  }
  // Output stage: each requested output grants the first requesting input from its pointer.
  for (uint32_t requested = requests; requested; requested &= requested - 1) {
    const uint32_t out = uint32_t(__builtin_ctz(requested));
    const size_t ro = size_t(router) * kNocPorts + out;
    const uint32_t inputs = request_inputs[out];
    const uint32_t ptr = sa_out_rr_[ro];
    const uint32_t upper = inputs & ~((1u << ptr) - 1u);
    const uint32_t port = uint32_t(__builtin_ctz(upper ? upper : inputs));
    if (inputs & ~(1u << port)) wake_at(router, now_ + 1);  // the losers retry next cycle
    lost_inputs |= inputs & ~(1u << port);
    granted_outputs |= 1u << out;
    const uint32_t v = uint32_t(nominee[port]);
    traverse(router, uint8_t(port), v);
    sa_in_rr_[size_t(router) * kNocPorts + port] = wrap(v + 1, vcs_);
    sa_out_rr_[ro] = wrap(port + 1, kNocPorts);
  }
  for (uint32_t it = 1; it < config_.switch_alloc_iterations && lost_inputs; ++it)
    lost_inputs = allocate_switch_again(router, lost_inputs, granted_outputs);
}

// One further iteration of switch allocation among the inputs in `inputs` (their nominee lost)
// and the outputs not in `granted` (updated); returns the inputs that still sent nothing. The
// inputs and outputs scan from their round-robin pointers, which do not move.
uint32_t FlitNetworkModel::allocate_switch_again(uint32_t router, uint32_t inputs, uint32_t& granted) {
  int32_t nominee[kNocPorts];
  uint32_t request_inputs[kNocPorts] = {0, 0, 0, 0, 0};
  uint32_t requests = 0, requesting = 0;
  for (uint32_t left = inputs; left; left &= left - 1) {
    const uint32_t port = uint32_t(__builtin_ctz(left));
    nominee[port] = -1;
    const size_t rp = size_t(router) * kNocPorts + port;
    const uint32_t mask = active_mask_[rp];
    const uint32_t ptr = sa_in_rr_[rp];
    for (uint32_t bits = rotate_right(mask, ptr); bits; bits &= bits - 1) {
      const uint32_t v = vc_after(ptr, uint32_t(__builtin_ctz(bits)));
      const InputVc& s = input_vcs_[vc_index(router, port, v)];
      if (s.count == 0 || s.front_ready > now_ || (granted & (1u << uint32_t(s.out_port))) ||
          (va_before_sa_ && s.va_cycle >= now_) ||
          credits_[vc_index(router, uint32_t(s.out_port), uint32_t(s.out_vc))] == 0)
        continue;  // not ready, or its output is taken (the first iteration set the wake-ups)
      nominee[port] = int32_t(v);
      request_inputs[uint32_t(s.out_port)] |= 1u << port;
      requests |= 1u << uint32_t(s.out_port);
      requesting |= 1u << port;
      break;
    }
  }
  uint32_t served = 0;
  for (uint32_t requested = requests; requested; requested &= requested - 1) {
    const uint32_t out = uint32_t(__builtin_ctz(requested));
    const uint32_t in = request_inputs[out];
    const uint32_t ptr = sa_out_rr_[size_t(router) * kNocPorts + out];
    const uint32_t upper = in & ~((1u << ptr) - 1u);
    const uint32_t port = uint32_t(__builtin_ctz(upper ? upper : in));
    granted |= 1u << out;
    served |= 1u << port;
    traverse(router, uint8_t(port), uint32_t(nominee[port]));
  }
  return requesting & ~served;
}

// Switch and link traversal of the front flit of one input VC (it won switch allocation).
void FlitNetworkModel::traverse(uint32_t router, uint8_t in_port, uint32_t vc) {
  const size_t ivc = vc_index(router, in_port, vc);
  InputVc& s = input_vcs_[ivc];
  const Flit flit = front(ivc);
  s.first = wrap(s.first + 1, depth_);
  --s.count;
  touch_occupancy(router);
  --router_flits_[router];
  ++stats_.energy.buffer_reads;
  ++stats_.energy.crossbar;

  if (in_port != kPortLocal) {  // the freed slot goes back upstream as a credit
    const uint32_t up = neighbour_[size_t(router) * kNocPorts + in_port];
    CreditRing& ring = credit_rings_[up];
    if (ring.count == credit_capacity_) throw std::logic_error("flit network: credit ring overflow");
    uint32_t pos = ring.first + ring.count;
    if (pos >= credit_capacity_) pos -= credit_capacity_;
    credit_slots_[size_t(up) * credit_capacity_ + pos] =
        Credit{now_ + config_.link_latency + config_.credit_latency, opposite_port(in_port), vc};
    ++ring.count;
    ++credits_in_flight_[up];
  }

  const uint8_t out = uint8_t(s.out_port);
  const uint32_t out_vc = uint32_t(s.out_vc);
  const bool tail = flit.flags & kTail;
  ++stats_.link_flits[size_t(router) * kNocPorts + out];
  if (window_.contains(now_)) stats_.window_link_flits[size_t(router) * kNocPorts + out] += 1.0;
  if (out == kPortLocal) {
    const uint64_t left = now_ + st_cycles_;
    PacketSlot& ps = slots_[flit.slot];
    if (flit.flags & kHead) ps.head_cycle = left;
    --flits_in_network_;
    ++stats_.flits_delivered;
    if (tail) {
      delivered_.push_back(DeliveredPacket{ps.packet, ps.head_cycle, left,
                                           coords_.hops(ps.packet.src, ps.packet.dst)});
      free_slots_.push_back(flit.slot);
      --outstanding_packets_;
      ++stats_.packets_delivered;
    }
  } else {
    --credits_[vc_index(router, out, out_vc)];
    ++stats_.energy.link_flits;
    write_flit(neighbour_[size_t(router) * kNocPorts + out], opposite_port(out), out_vc,
               Flit{now_ + st_cycles_ + config_.link_latency, flit.slot, flit.dst, flit.vc_class, flit.flags});
  }
  if (tail) {
    out_vc_busy_[vc_index(router, out, out_vc)] = 0;
    s.out_port = -1;
    s.out_vc = -1;
    const size_t rp = size_t(router) * kNocPorts + in_port;
    active_mask_[rp] &= uint16_t(~(1u << vc));
    if (s.count > 0) needs_va_mask_[rp] |= uint16_t(1u << vc);  // the next packet's head
  }
  if (s.count > 0) {  // the next flit of this VC acts once it is through its pipeline stages
    const Flit& next = front(ivc);
    s.front_ready = ready_of(next.arrive, tail);  // after a tail, the next packet's head
    s.front_dst = next.dst;
    s.front_class = next.vc_class;
    const uint64_t ready = tail ? s.front_ready - va_lead_ : s.front_ready;  // its VC allocation, or switch
    wake_at(router, ready > now_ ? ready : now_ + 1);
  }
}

void FlitNetworkModel::write_flit(uint32_t router, uint8_t port, uint32_t vc, const Flit& flit) {
  const size_t ivc = vc_index(router, port, vc);
  InputVc& s = input_vcs_[ivc];
  if (s.count >= depth_) {
    ++stats_.buffer_overflows;
    throw std::logic_error("flit network: write into a full VC buffer (credit protocol broken)");
  }
  uint32_t pos = s.first + s.count;
  if (pos >= depth_) pos -= depth_;
  flits_[ivc * depth_ + pos] = flit;
  const bool head = flit.flags & kHead;
  if (s.count == 0) {
    s.front_ready = ready_of(flit.arrive, head);
    s.front_dst = flit.dst;
    s.front_class = flit.vc_class;
    if (s.out_vc < 0) {  // a head: it needs VC allocation once through route computation
      if (port == kPortLocal) {
        needs_va_mask_[size_t(router) * kNocPorts + port] |= uint16_t(1u << vc);
      } else {
        CreditRing& ring = arrival_rings_[router];
        if (ring.count == arrival_capacity_) throw std::logic_error("flit network: arrival ring overflow");
        uint32_t at = ring.first + ring.count;
        if (at >= arrival_capacity_) at -= arrival_capacity_;
        arrivals_[size_t(router) * arrival_capacity_ + at] = Arrival{flit.arrive, port, vc};
        ++ring.count;
      }
    }
  }
  ++s.count;
  wake_at(router, head ? flit.arrive + va_offset_ : std::min(flit.arrive + va_offset_, ready_of(flit.arrive, false)));
  stats_.max_vc_occupancy = std::max(stats_.max_vc_occupancy, s.count);
  touch_occupancy(router);
  ++router_flits_[router];
  ++stats_.energy.buffer_writes;
}

void FlitNetworkModel::touch_occupancy(uint32_t router) {
  occupancy_integral_[router] += uint64_t(router_flits_[router]) * (now_ - occupancy_last_[router]);
  occupancy_last_[router] = now_;
}

void FlitNetworkModel::take_delivered(std::vector<DeliveredPacket>& out) {
  if (out.empty()) {
    out.swap(delivered_);  // the common case: no copy
  } else {
    out.insert(out.end(), delivered_.begin(), delivered_.end());
  }
  delivered_.clear();
}

void FlitNetworkModel::count_window(uint64_t begin, uint64_t end) {
  window_ = CountWindow::between(begin, end);
  stats_.window_link_flits.assign(stats_.link_flits.size(), 0.0);
}

NocStats FlitNetworkModel::stats() const {
  NocStats s = stats_;
  s.cycle = now_;
  s.occupancy_flit_cycles.resize(router_flits_.size());
  for (size_t r = 0; r < router_flits_.size(); ++r)
    s.occupancy_flit_cycles[r] = occupancy_integral_[r] + uint64_t(router_flits_[r]) * (now_ - occupancy_last_[r]);
  return s;
}

}  // namespace star
