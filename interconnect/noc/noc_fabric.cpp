#include "noc/noc_fabric.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "noc/flit_network_model.h"
#include "noc/mesh_topology.h"
#include "noc/network_interface.h"
#include "tracing/tracer.h"

namespace star {

using sc_core::sc_time;

NocFabric::NocFabric(sc_core::sc_module_name name, const NocConfig& config)
    : sc_module(name), config_(config), model_(make_noc_model(config)),
      period_(config.cycle_ns(), sc_core::SC_NS) {
  if (config.num_vc_classes < 2)
    throw std::invalid_argument("NocFabric: TLM traffic needs num_vc_classes >= 2 (requests and "
                                "responses in separate classes avoid protocol deadlock)");
  interfaces_.assign(config.nodes(), nullptr);
  message_latency_.assign(config.num_vc_classes, MessageLatency{});
  SC_HAS_PROCESS(NocFabric);
  SC_THREAD(run);
}

NocFabric::~NocFabric() = default;

uint64_t NocFabric::cycle_floor(const sc_time& t) const {
  return static_cast<uint64_t>(t / period_ + 1e-9);
}

uint64_t NocFabric::created_cycle() const {
  const sc_time now = sc_core::sc_time_stamp();
  uint64_t created = cycle_floor(now);
  if (sc_time(double(created) * period_.to_seconds(), sc_core::SC_SEC) < now) ++created;  // next edge
  return std::max(created, model_->now());
}

uint64_t NocFabric::transfer(uint32_t src, uint32_t dst, uint32_t flits, uint32_t vc_class) {
  return send(src, {dst}, flits, vc_class);
}

void NocFabric::check_multicast(uint32_t src, const std::vector<uint32_t>& dsts) const {
  const uint32_t nodes = config_.nodes();
  if (src >= nodes)
    throw std::invalid_argument("NocFabric::multicast: source node " + std::to_string(src) + " outside the " +
                                std::to_string(nodes) + "-node mesh");
  if (dsts.empty()) throw std::invalid_argument("NocFabric::multicast: no destination");
  std::vector<bool> seen(nodes, false);
  for (const uint32_t d : dsts) {
    if (d >= nodes)
      throw std::invalid_argument("NocFabric::multicast: destination node " + std::to_string(d) +
                                  " outside the " + std::to_string(nodes) + "-node mesh");
    if (d == src)
      throw std::invalid_argument("NocFabric::multicast: the source node " + std::to_string(src) +
                                  " is among the destinations");
    if (seen[d]) throw std::invalid_argument("NocFabric::multicast: destination node " + std::to_string(d) + " listed twice");
    seen[d] = true;
  }
}

uint64_t NocFabric::multicast(uint32_t src, const std::vector<uint32_t>& dsts, uint32_t flits, uint32_t vc_class) {
  check_multicast(src, dsts);
  return send(src, dsts, flits, vc_class);
}

NocPacket NocFabric::message(uint32_t src, uint32_t dst, uint32_t flits, uint32_t vc_class, uint64_t created) const {
  if (flits > (uint32_t(1) << 31))
    throw std::invalid_argument("NocFabric: a message of " + std::to_string(flits) + " flits (at most 2^31)");
  // A message longer than a packet is a train: one head flit per kMaxPacketFlits - 1 flits of
  // payload. Timed as one by a model that can, otherwise sent packet by packet (send_parts).
  const uint32_t packets = flits <= kMaxPacketFlits ? 1 : (flits - 1 + kMaxPacketFlits - 2) / (kMaxPacketFlits - 1);
  NocPacket packet{0, src, dst, flits - 1 + packets, vc_class, created};
  packet.packets = packets;
  return packet;
}

template <class Inject>
void NocFabric::send_parts(const NocPacket& message, size_t copies, Inject&& inject) {
  const bool train = message.packets > 1 && model_->times_trains();
  const uint32_t parts = train ? 1 : message.packets;
  for (uint32_t k = 0; k < parts; ++k) {
    NocPacket packet = message;
    packet.id = next_id_;
    if (!train) {
      packet.packets = 1;
      if (message.packets > 1)
        packet.flits = k + 1 < message.packets ? kMaxPacketFlits : message.flits - k * kMaxPacketFlits;
    }
    inject(packet);  // copy i of a multicast is packet.id + i
    next_id_ += copies;
  }
}

uint64_t NocFabric::inject_timed(uint32_t src, const std::vector<uint32_t>& dsts, uint32_t flits, uint32_t vc_class,
                                 uint64_t created) {
  const NocPacket m = message(src, dsts[0], flits, vc_class, created);
  static const std::vector<uint32_t> unicast;
  uint64_t tail = 0;
  send_parts(m, dsts.size(), [&](const NocPacket& packet) {
    tail = std::max(tail, model_->inject_timed(packet, dsts.size() == 1 ? unicast : dsts));
  });
  if (tracing_) sample_trace();
  return tail;
}

uint64_t NocFabric::send(uint32_t src, const std::vector<uint32_t>& dsts, uint32_t flits, uint32_t vc_class) {
  const uint64_t latency = send_and_wait(src, dsts, flits, vc_class);
  MessageLatency& l = message_latency_[vc_class];  // (the model checked the class)
  ++l.messages;
  l.cycles += latency;
  return latency;
}

uint64_t NocFabric::send_and_wait(uint32_t src, const std::vector<uint32_t>& dsts, uint32_t flits, uint32_t vc_class) {
  const uint64_t created = created_cycle();
  if (model_->times_at_injection()) {  // the delivery is known now: one wait, no fabric thread
    // The model's present follows simulated time (its link calendars forget the past).
    if (model_->idle()) model_->advance_to(std::max(model_->now(), cycle_floor(sc_core::sc_time_stamp())));
    const uint64_t tail = inject_timed(src, dsts, flits, vc_class, created);
    sc_core::wait(period_ * double(tail) - sc_core::sc_time_stamp());
    return tail - created;
  }
  Waiter waiter;
  const NocPacket m = message(src, dsts[0], flits, vc_class, created);
  send_parts(m, dsts.size(), [&](const NocPacket& packet) {
    if (dsts.size() == 1) model_->inject(packet);
    else model_->inject_multicast(packet, dsts);
    for (size_t i = 0; i < dsts.size(); ++i) waiting_[packet.id + i] = &waiter;
    ++waiter.remaining;
  });
  waiter.remaining *= uint32_t(dsts.size());
  wake_.notify(sc_core::SC_ZERO_TIME);
  sc_core::wait(waiter.done);
  return cycle_floor(sc_core::sc_time_stamp()) - created;
}

void NocFabric::run() {
  while (true) {
    const uint64_t next = model_->next_activity_cycle();
    if (next == std::numeric_limits<uint64_t>::max()) {
      sc_core::wait(wake_);
      continue;
    }
    const uint64_t current = cycle_floor(sc_core::sc_time_stamp());
    const uint64_t target = std::max(next + 1, current);
    const sc_time when = period_ * double(target);
    if (when > sc_core::sc_time_stamp()) sc_core::wait(when - sc_core::sc_time_stamp(), wake_);
    model_->advance_to(std::max(model_->now(), cycle_floor(sc_core::sc_time_stamp())));
    deliver();
    if (tracing_) sample_trace();
  }
}

void NocFabric::deliver() {
  delivered_.clear();
  model_->take_delivered(delivered_);
  const sc_time now = sc_core::sc_time_stamp();
  for (const DeliveredPacket& d : delivered_) {
    auto it = waiting_.find(d.packet.id);
    if (it == waiting_.end()) continue;
    Waiter& w = *it->second;
    waiting_.erase(it);
    w.last_tail = std::max(w.last_tail, d.tail_cycle);
    if (--w.remaining > 0) continue;
    const sc_time at = period_ * double(w.last_tail);
    w.done.notify(at > now ? at - now : sc_core::SC_ZERO_TIME);
  }
}

void NocFabric::map_address(uint64_t base, uint64_t size, uint32_t node) {
  if (node >= config_.nodes()) throw std::invalid_argument("NocFabric::map_address: node outside the mesh");
  if (size == 0) throw std::invalid_argument("NocFabric::map_address: empty region");
  for (const Region& r : regions_)
    if (base < r.base + r.size && r.base < base + size)
      throw std::invalid_argument("NocFabric::map_address: region overlaps an earlier one");
  regions_.push_back(Region{base, size, node});
}

bool NocFabric::decode(uint64_t address, uint32_t& node, uint64_t& offset) const {
  for (const Region& r : regions_) {
    if (address >= r.base && address - r.base < r.size) {
      node = r.node;
      offset = address - r.base;
      return true;
    }
  }
  return false;
}

void NocFabric::attach(NetworkInterface& ni) {
  if (ni.node() >= interfaces_.size()) throw std::invalid_argument("NocFabric::attach: node outside the mesh");
  if (interfaces_[ni.node()]) throw std::invalid_argument("NocFabric::attach: node already has an interface");
  interfaces_[ni.node()] = &ni;
}

NetworkInterface* NocFabric::interface_at(uint32_t node) const {
  return node < interfaces_.size() ? interfaces_[node] : nullptr;
}

void NocFabric::trace(Tracer& tracer, const std::string& module, uint64_t window_cycles) {
  if (window_cycles == 0) throw std::invalid_argument("NocFabric::trace: window_cycles must be >= 1");
  if (!tracer.enabled()) return;
  trace_window_ = window_cycles;
  const MeshTopology mesh = config_.mesh();
  link_utilisation_.assign(size_t(mesh.nodes()) * kNocPorts, 0.0);
  trace_link_base_.assign(link_utilisation_.size(), 0);
  router_occupancy_.assign(mesh.nodes(), 0);
  router_occupancy_mean_.assign(mesh.nodes(), 0.0);
  trace_occupancy_base_.assign(mesh.nodes(), 0);
  const bool ahead = model_->counts_at_injection();
  for (uint32_t n = 0; n < mesh.nodes(); ++n) {
    const std::string r = module + ".r" + std::to_string(mesh.x_of(n)) + "_" + std::to_string(mesh.y_of(n));
    for (uint8_t p = 0; p < kNocPorts; ++p)
      if (p == kPortLocal || mesh.has_neighbour(n, p))
        tracing_ |= tracer.trace_variable(r, std::string("util_") + port_name(p), link_utilisation_[size_t(n) * kNocPorts + p]);
    if (ahead) continue;
    tracer.trace_variable(r, "occupancy", router_occupancy_[n]);
    tracer.trace_variable(r, "occupancy_mean", router_occupancy_mean_[n]);
  }
  trace_time_window_ = &tracer;
  if (tracing_ && ahead) {
    link_windows_.assign(link_utilisation_.size(), WindowRuns{});
    model_->observe_links(this);
  }
}

// Spreads the flits evenly over the windows [from, from + cycles) covers; a window already closed
// (before the model's present: not expected, reservations are never in the past) gets none.
void NocFabric::link_used(uint32_t link, uint64_t from, uint64_t cycles, uint64_t flits) {
  from = std::max(from, trace_closed_ * trace_window_);
  link_windows_[link].add_spread(from, from + cycles, trace_window_, double(flits));
}

// The values follow the model only while the tracer's time window is open (outside it they keep
// what they showed); the window bases move on regardless, so each mean covers its own window.
void NocFabric::sample_trace() {
  const bool open = trace_time_window_->window_open();
  if (!link_windows_.empty()) {  // the model tells its link use ahead: windows before now are final
    const uint64_t current = model_->now() / trace_window_;
    if (current <= trace_closed_) return;
    // The mean over the windows closed since the last sample (the fabric samples when it runs).
    const double cycles = double((current - trace_closed_) * trace_window_);
    for (size_t i = 0; i < link_windows_.size(); ++i) {
      double flits = 0;
      link_windows_[i].close_before(current, [&](uint64_t first, uint64_t end, double per_window) {
        flits += per_window * double(end - first);
      });
      if (open) link_utilisation_[i] = flits / cycles;
    }
    trace_closed_ = current;
    return;
  }
  if (open)
    if (auto* flit = dynamic_cast<FlitNetworkModel*>(model_.get()))
      for (uint32_t n = 0; n < router_occupancy_.size(); ++n) router_occupancy_[n] = flit->router_occupancy(n);
  const uint64_t now = model_->now();
  if (now < trace_window_start_ + trace_window_) return;
  const NocStats s = model_->stats();
  const double cycles = double(now - trace_window_start_);
  for (size_t i = 0; i < link_utilisation_.size(); ++i) {
    if (open) link_utilisation_[i] = (s.link_flits[i] - trace_link_base_[i]) / cycles;
    trace_link_base_[i] = s.link_flits[i];
  }
  for (size_t n = 0; n < router_occupancy_mean_.size() && n < s.occupancy_flit_cycles.size(); ++n) {
    if (open) router_occupancy_mean_[n] = (s.occupancy_flit_cycles[n] - trace_occupancy_base_[n]) / cycles;
    trace_occupancy_base_[n] = s.occupancy_flit_cycles[n];
  }
  trace_window_start_ = now;
}

}  // namespace star
