#include "noc/wormhole_event_model.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace star {

template <uint32_t kRing>
WormholeEventModel<kRing>::WormholeEventModel(const NocConfig& config) : config_(config) {
  config_.fidelity = NocFidelity::Packet;
  config_.packet_exact_wormhole = true;
  config_.validate();  // throws for what the model does not take
  if (config_.vc_buffer_flits > kRing)
    throw std::invalid_argument("WormholeEventModel<" + std::to_string(kRing) + ">: buffers of " +
                                std::to_string(config_.vc_buffer_flits) + " flits need a ring of as many (make_wormhole_event_model)");
  // A packet in the network holds a slot (its path: a hop record per router) while at least one
  // of its flits is in a buffer, so the buffers bound the slots: refuse a configuration whose
  // packets in flight could take more memory than kMaxSlotBytes rather than run out of it.
  const uint64_t buffer_flits = uint64_t(config_.nodes()) * kNocPorts * config_.vc_buffer_flits;
  const uint64_t slot_bytes = uint64_t(config_.width + config_.height) * sizeof(Hop) + sizeof(Packet);
  if ((buffer_flits + config_.nodes()) * slot_bytes > kMaxSlotBytes)
    throw std::invalid_argument(
        "packet_exact_wormhole: " + std::to_string(config_.width) + "x" + std::to_string(config_.height) + " with " +
        std::to_string(config_.vc_buffer_flits) + "-flit buffers could hold up to " +
        std::to_string((buffer_flits + config_.nodes()) * slot_bytes >> 20) + " MiB of packets in flight (at most " +
        std::to_string(kMaxSlotBytes >> 20) + "): use smaller buffers, a smaller mesh or the default packet model");
  mesh_ = config_.mesh();
  coords_ = MeshCoordinates(mesh_);
  depth_ = config_.vc_buffer_flits;
  const uint32_t r = config_.router_stages;
  sa_offset_ = r >= 2 ? r - 2 : 0;
  va_offset_ = r >= 3 ? r - 3 : 0;
  st_cycles_ = r >= 2 ? 2 : 1;
  va_to_sa_ = r >= 3 ? 1 : 0;
  to_router_ = st_cycles_ + config_.link_latency + sa_offset_;
  body_sa_offset_ = config_.body_flit_bypass ? 0 : sa_offset_;
  body_to_router_ = st_cycles_ + config_.link_latency + body_sa_offset_;
  credit_router_ = config_.link_latency + config_.credit_latency;
  const uint32_t n = mesh_.nodes();
  buffers_.resize(size_t(n) * kNocPorts);
  outputs_.resize(size_t(n) * kNocPorts);
  events_.resize(n * kNocPorts);
  sources_.resize(n);
  stride_ = config_.width + config_.height;
  stats_.link_flits.assign(size_t(n) * kNocPorts, 0);
  stats_.occupancy_flit_cycles.assign(n, 0);
}

template <uint32_t kRing>
void WormholeEventModel<kRing>::inject(const NocPacket& packet) {
  check_packet(packet, now_, config_);
  ++outstanding_;
  stats_.packets_injected += 1;
  stats_.flits_injected += packet.flits;
  Source& source = sources_[packet.src];
  if (source.busy) {  // behind the packets the interface still writes (they wait without a slot)
    source.queue.push_back(packet);
    return;
  }
  start_interface(admit(packet));
  drain();
}

// A slot for the packet and its path: the routers of its dimension-order route, then ejection.
template <uint32_t kRing>
int32_t WormholeEventModel<kRing>::admit(const NocPacket& packet) {
  int32_t slot;
  if (free_slots_.empty()) {
    slot = int32_t(slots_.size());
    slots_.emplace_back();
    paths_.resize(slots_.size() * stride_);
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Packet& p = slots_[size_t(slot)];
  p.packet = packet;
  Hop* path = &paths_[size_t(slot) * stride_];
  const uint32_t src = packet.src;
  const int dx = coords_.dx(src, packet.dst), dy = coords_.dy(src, packet.dst);
  p.hops = uint32_t(std::abs(dx) + std::abs(dy));
  // One loop over both legs and the ejection, the output and the step chosen by arithmetic (the
  // legs' lengths are random: a loop per leg would mispredict its exit about once per leg).
  const bool x_first = config_.routing == NocRouting::XY;
  const uint8_t xdir = dx > 0 ? uint8_t(kPortEast) : uint8_t(kPortWest);
  const uint8_t ydir = dy > 0 ? uint8_t(kPortSouth) : uint8_t(kPortNorth);
  const int32_t xstep = dx > 0 ? 1 : -1, ystep = dy > 0 ? int32_t(mesh_.width) : -int32_t(mesh_.width);
  const uint32_t first = uint32_t(std::abs(x_first ? dx : dy));
  const uint8_t first_out = x_first ? xdir : ydir, second_out = x_first ? ydir : xdir;
  const int32_t first_step = x_first ? xstep : ystep, second_step = x_first ? ystep : xstep;
  uint32_t node = src;
  uint8_t in_port = kPortLocal;
  const uint32_t len = p.hops + 1;
  for (uint32_t k = 0; k < len; ++k) {
    const bool on_first = k < first, link = k < p.hops;
    const uint8_t out = link ? (on_first ? first_out : second_out) : uint8_t(kPortLocal);
    const uint32_t next = uint32_t(int32_t(node) + (on_first ? first_step : second_step));
    const uint8_t back = opposite_port(out);
    Hop& h = path[k];
    h.node = node;
    h.in_port = in_port;
    h.out = out;
    h.in_buffer = int32_t(node * kNocPorts + in_port);
    h.out_buffer = link ? int32_t(next * kNocPorts + back) : -1;
    h.grant = kUnknown;
    h.done = 0;
    h.credit_from = ~uint32_t(0);
    node = next;
    in_port = back;
  }
  p.length = len;
  return slot;
}

// The interface writes the head of the packet in `slot` into the source's local buffer (all the
// source's earlier packets have left it): once created, one cycle after the previous packet's
// tail was written and once the buffer has room; its body flits are written as the source router
// times them (progress, hop 0).
template <uint32_t kRing>
void WormholeEventModel<kRing>::start_interface(int32_t slot) {
  Packet& p = slots_[size_t(slot)];
  Source& source = sources_[p.packet.src];
  source.busy = true;
  Hop& h = paths_[size_t(slot) * stride_];
  Buffer& b = buffers_[size_t(h.in_buffer)];
  h.in_stream = b.entered;
  b.entered += p.packet.flits;
  uint64_t w = std::max(p.packet.created_cycle, source.free);
  if (h.in_stream >= depth_) w = std::max(w, b.leave[(h.in_stream - depth_) & kMask] + 1);
  p.written = w;
  h.head_in = w;
  request(slot, 0);
}

template <uint32_t kRing>
void WormholeEventModel<kRing>::drain() {
  for (;;) {
    if (!work_.empty()) {
      const auto [slot, hop] = work_.back();
      work_.pop_back();
      progress(slot, hop);
    } else if (!restarts_.empty()) {  // not inside progress: admit() may move the slots
      Source& source = sources_[restarts_.back()];
      restarts_.pop_back();
      const NocPacket next = source.queue.front();
      source.queue.pop_front();
      start_interface(admit(next));
    } else {
      return;
    }
  }
}

template <uint32_t kRing>
void WormholeEventModel<kRing>::schedule(uint32_t output, uint64_t cycle) { events_.push(cycle, output); }

// The head of `hop` (a router) is at the front of its input buffer: it asks for its output from
// the cycle its VC allocation may start.
template <uint32_t kRing>
void WormholeEventModel<kRing>::request(int32_t slot, uint32_t hop) {
  const Hop& h = paths_[size_t(slot) * stride_ + hop];
  Buffer& in = buffers_[size_t(h.in_buffer)];
  const uint64_t stream = h.in_stream;
  if (in.left < stream) {  // flits of earlier packets are still in the buffer
    const uint32_t i = (in.waiting_first + in.waiting_count++) & kMask;
    in.waiting_slot[i] = slot;
    in.waiting_hop[i] = uint8_t(hop);
    return;
  }
  uint64_t ready = h.head_in + va_offset_;
  if (stream > 0) ready = std::max(ready, in.leave[(stream - 1) & kMask] + 1);
  const uint32_t oi = h.node * kNocPorts + h.out;
  Output& o = outputs_[oi];
  o.waiting[h.in_port] = slot;
  o.ready[h.in_port] = ready;
  o.mask |= uint8_t(1u << h.in_port);
  o.waiting_hop[h.in_port] = uint8_t(hop);
  if (o.owner < 0) schedule(oi, std::max(ready, o.free_from));
}

// VC allocation of one output in `cycle`: round robin among the inputs whose head is ready.
template <uint32_t kRing>
void WormholeEventModel<kRing>::allocate(uint32_t oi, uint64_t cycle) {
  Output& o = outputs_[oi];
  if (o.owner >= 0 || o.free_from > cycle) return;
  uint32_t ready = 0;
  for (uint32_t m = o.mask; m; m &= m - 1) {
    const uint32_t q = uint32_t(__builtin_ctz(m));
    if (o.ready[q] <= cycle) ready |= 1u << q;
  }
  if (!ready) return;
  const uint32_t from_rr = ready & ~((1u << o.rr) - 1u);
  const uint32_t port = uint32_t(__builtin_ctz(from_rr ? from_rr : ready));
  const int32_t slot = o.waiting[port];
  const uint32_t hop = o.waiting_hop[port];
  const Packet& p = slots_[size_t(slot)];
  o.mask &= uint8_t(~(1u << port));
  o.owner = slot;
  o.rr = uint8_t(port + 1 == kNocPorts ? 0 : port + 1);
  Hop& h = paths_[size_t(slot) * stride_ + hop];
  h.grant = cycle;
  if (h.out_buffer >= 0) {
    Buffer& b = buffers_[size_t(h.out_buffer)];
    h.stream = (&h)[1].in_stream = b.entered;
    b.entered += p.packet.flits;
    h.credit_from = h.stream >= depth_ ? 0 : uint32_t(std::min<uint64_t>(p.packet.flits, depth_ - h.stream));
  }
  // The router's energy for the packet: route computation, its flits through the buffer and the
  // crossbar, and onto the link (counted as the router passes it, like the flit model's).
  stats_.link_flits[oi] += p.packet.flits;
  stats_.energy.add_router(p.packet.flits, h.out_buffer >= 0);
  progress(slot, hop);
}

// Times every flit of the packet in `slot` whose inputs are known, from router `hop` on: flit k
// leaves a router (switch allocation) once it has arrived and passed the pipeline, one cycle after
// flit k-1 (the head: after its VC allocation) and once the downstream buffer has returned the
// credit of the flit `depth` places before it in its stream. At the source router flit k arrives
// when the interface writes it: one cycle after flit k-1, once the local buffer has room. The
// routers of this packet that can go on are taken here (a set of hops to visit); other packets
// woken go on the work list.
template <uint32_t kRing>
void WormholeEventModel<kRing>::progress(int32_t slot, uint32_t hop) {
  Packet& p = slots_[size_t(slot)];
  Hop* path = &paths_[size_t(slot) * stride_];
  const uint32_t f = p.packet.flits, d = depth_, len = p.length;
  constexpr uint64_t mask = kMask;
  uint64_t todo = uint64_t(1) << hop;  // hops to visit (paths have at most 64 routers: applies())
  auto visit = [&todo](uint32_t i) { todo |= uint64_t(1) << i; };
  while (todo) {
    hop = uint32_t(__builtin_ctzll(todo));
    todo &= todo - 1;
    Hop& h = path[hop];
    if (h.grant == kUnknown) continue;
    const uint32_t first = h.done;
    uint32_t end = hop == 0 ? f : std::min(f, path[hop - 1].done);
    Buffer* ob = h.out_buffer >= 0 ? &buffers_[size_t(h.out_buffer)] : nullptr;
    // Flit k needs the credit of stream index h.stream + k - d downstream: only the flits whose
    // credit is timed can go now.
    if (ob) {
      const int64_t timed = int64_t(ob->left) + d - int64_t(h.stream);
      if (timed < int64_t(end)) {  // the rest waits for flits downstream to be timed
        ob->sender = slot;
        ob->sender_hop = hop;
        end = uint32_t(std::max<int64_t>(timed, first));
      }
    }
    if (first >= end) continue;
    Buffer* ib = &buffers_[size_t(h.in_buffer)];
    uint64_t* t = h.t;
    uint64_t* in_left = ib->leave;
    uint64_t prev = first == 0 ? h.grant + va_to_sa_ - 1 : t[(first - 1) & mask];
    const uint64_t in_base = h.in_stream;  // flit k is entry in_base + k of the input buffer
    uint32_t k = first;
    uint64_t head_leave = 0;  // the head's leave, when this visit times it
    // Cycles the flits timed here stay in the router's buffer: from the cycle they are sent into it
    // (the upstream switch allocation, or the interface's write) to their own switch allocation.
    uint64_t stay = 0;
    uint32_t in_window = 0;  // flits timed here that leave in count_window's window
    // Flits before `split` need no credit (the downstream buffer had room for them).
    const uint32_t split = std::min(end, std::max(first, h.credit_from));
    const uint64_t* out_left = ob ? ob->leave : nullptr;
    const uint64_t credit_base = h.stream - d, credit = credit_router_;
    if (hop == 0) {  // the interface writes flit k into the local buffer at w
      uint64_t w = p.written;
      const uint64_t room_from = in_base >= d ? 0 : d - in_base;  // later flits wait for room
      const uint64_t room_base = in_base - d;
      auto step = [&](uint32_t i) __attribute__((always_inline)) {
        if (i == 0) return std::max(w + sa_offset_, prev + 1);
        w = std::max(w + 1, i >= room_from ? in_left[(room_base + i) & mask] + 1 : 0);
        return std::max(w + body_sa_offset_, prev + 1);
      };
      for (; k < split; ++k) {
        const uint64_t s = step(k);
        t[k & mask] = prev = s;
        in_window += window_.contains(s);
        in_left[(in_base + k) & mask] = s;
        stay += s - w;
        if (k == 0) head_leave = s;
      }
      for (; k < end; ++k) {
        const uint64_t s = std::max(step(k), out_left[(credit_base + k) & mask] + credit);
        t[k & mask] = prev = s;
        in_window += window_.contains(s);
        in_left[(in_base + k) & mask] = s;
        stay += s - w;
        if (k == 0) head_leave = s;
      }
      p.written = w;
    } else {
      const uint64_t* up = path[hop - 1].t;
      uint64_t to_here = k == 0 ? to_router_ : body_to_router_;  // the head's, then the body flits'
      const uint64_t body = body_to_router_;
      for (; k < split; ++k) {
        const uint64_t s = std::max(up[k & mask] + to_here, prev + 1);
        stay += s - up[k & mask];
        t[k & mask] = prev = s;
        in_window += window_.contains(s);
        in_left[(in_base + k) & mask] = s;
        if (k == 0) head_leave = s;
        to_here = body;
      }
      for (; k < end; ++k) {
        const uint64_t s = std::max(std::max(up[k & mask] + to_here, prev + 1), out_left[(credit_base + k) & mask] + credit);
        stay += s - up[k & mask];
        t[k & mask] = prev = s;
        in_window += window_.contains(s);
        in_left[(in_base + k) & mask] = s;
        if (k == 0) head_leave = s;
        to_here = body;
      }
    }
    stats_.occupancy_flit_cycles[h.node] += stay;
    if (in_window) stats_.window_link_flits[size_t(h.node) * kNocPorts + h.out] += in_window;
    const uint64_t in_count = in_base + k;
    ib->left = in_count;
    h.done = k;
    if (hop > 0) {  // flits left a buffer fed by a link: credits upstream, and the head behind them
      if (ib->sender >= 0) {
        if (ib->sender == slot) visit(ib->sender_hop);
        else work_.emplace_back(ib->sender, ib->sender_hop);
        ib->sender = -1;
      }
      // The head behind them asks for its output once every flit before it has left.
      while (ib->waiting_count) {
        const int32_t w = ib->waiting_slot[ib->waiting_first];
        const uint32_t wh = ib->waiting_hop[ib->waiting_first];
        if (in_count < paths_[size_t(w) * stride_ + wh].in_stream) break;
        ib->waiting_first = (ib->waiting_first + 1) & kMask;
        --ib->waiting_count;
        request(w, wh);
      }
    }
    if (hop + 1 < len) {
      Hop& next = path[hop + 1];
      if (first == 0) {
        next.head_in = head_leave + st_cycles_ + config_.link_latency;
        request(slot, hop + 1);
      } else if (next.grant != kUnknown && next.done < k) {  // the next router may time what arrived
        Buffer* nob = next.out_buffer >= 0 ? &buffers_[size_t(next.out_buffer)] : nullptr;
        if (nob && int64_t(nob->left) + d - int64_t(next.stream) <= int64_t(next.done)) {
          nob->sender = slot;  // ... but waits for a credit first
          nob->sender_hop = hop + 1;
        } else {
          visit(hop + 1);
        }
      }
    } else if (first == 0) {
      p.head_out = head_leave;
    }
    if (k < f) continue;
    const uint64_t tail = prev;
    if (hop == 0) {  // the interface is free for the source's next packet
      const uint32_t src = p.packet.src;
      Source& source = sources_[src];
      source.free = p.written + 1;
      source.busy = false;
      if (!source.queue.empty()) restarts_.push_back(src);  // drain() starts its next packet
    }
    const uint32_t oi = h.node * kNocPorts + h.out;
    Output& o = outputs_[oi];
    o.owner = -1;
    o.free_from = tail + 1;
    uint64_t next = kUnknown;
    for (uint32_t m = o.mask; m; m &= m - 1) next = std::min(next, o.ready[__builtin_ctz(m)]);
    if (next != kUnknown) schedule(oi, std::max(next, o.free_from));
    if (hop + 1 == len) {  // delivered: the tail left the destination router
      pending_.push(tail, DeliveredPacket{p.packet, p.head_out + st_cycles_, tail + st_cycles_, p.hops});
      free_slots_.push_back(slot);
      return;
    }
  }
}

template <uint32_t kRing>
void WormholeEventModel<kRing>::count_window(uint64_t begin, uint64_t end) {
  window_ = CountWindow::between(begin, end);
  stats_.window_link_flits.assign(stats_.link_flits.size(), 0.0);
}

template <uint32_t kRing>
void WormholeEventModel<kRing>::advance_to(uint64_t cycle) {
  events_.run_until(cycle, [this](uint64_t c, uint32_t output) {
    allocate(output, c);
    drain();
  });
  pending_.run_until(cycle, [this](uint64_t, const DeliveredPacket& d) {
    delivered_.push_back(d);
    ++stats_.packets_delivered;
    stats_.flits_delivered += d.packet.flits;
    --outstanding_;
  });
  now_ = std::max(now_, cycle);
}

template <uint32_t kRing>
uint64_t WormholeEventModel<kRing>::next_activity_cycle() const {
  if (outstanding_ == 0) return std::numeric_limits<uint64_t>::max();
  const uint64_t next = std::min(events_.next_cycle(), pending_.next_cycle());
  if (next == std::numeric_limits<uint64_t>::max())
    throw std::logic_error("wormhole event model: packets outstanding with nothing scheduled");
  return std::max(next, now_);
}

template <uint32_t kRing>
void WormholeEventModel<kRing>::take_delivered(std::vector<DeliveredPacket>& out) {
  if (out.empty()) {
    out.swap(delivered_);
  } else {
    out.insert(out.end(), delivered_.begin(), delivered_.end());
    delivered_.clear();
  }
}

template <uint32_t kRing>
NocStats WormholeEventModel<kRing>::stats() const {
  NocStats s = stats_;
  s.cycle = now_;
  return s;
}

// Rings of 8 entries for the common buffers (a hop's record stays small), of 16 or 64 for deeper ones.
template class WormholeEventModel<8>;
template class WormholeEventModel<16>;
template class WormholeEventModel<NocConfig::kExactWormholeMaxBuffer>;

std::unique_ptr<NocModel> make_wormhole_event_model(const NocConfig& config) {
  if (config.vc_buffer_flits <= 8) return std::make_unique<WormholeEventModel<8>>(config);
  if (config.vc_buffer_flits <= 16) return std::make_unique<WormholeEventModel<16>>(config);
  return std::make_unique<WormholeEventModel<NocConfig::kExactWormholeMaxBuffer>>(config);
}

}  // namespace star
