#include "noc/packet_network_model.h"

#include <algorithm>
#include <limits>

#include "noc/routing.h"

namespace star {

PacketNetworkModel::PacketNetworkModel(const NocConfig& config) : config_(config) {
  config_.validate();
  mesh_ = MeshTopology{config_.width, config_.height};
  const uint32_t r = config_.router_stages;
  sa_offset_ = r >= 2 ? r - 2 : 0;
  st_cycles_ = r >= 2 ? 2 : 1;
  port_free_.assign(size_t(mesh_.nodes()) * kNocPorts, 0);
  inject_free_.assign(mesh_.nodes(), 0);
  stats_.link_flits.assign(size_t(mesh_.nodes()) * kNocPorts, 0);
}

void PacketNetworkModel::inject(const NocPacket& packet) {
  check_packet(packet, now_);
  uint32_t slot;
  if (free_slots_.empty()) {
    slot = uint32_t(slots_.size());
    slots_.push_back(packet);
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = packet;
  }
  // The network interface serialises the packet onto the injection channel, one flit per cycle.
  const uint64_t start = std::max(packet.created_cycle, inject_free_[packet.src]);
  inject_free_[packet.src] = start + packet.flits;
  arrivals_.push(HeadArrival{start, order_++, slot, packet.src});
  ++outstanding_packets_;
  ++stats_.packets_injected;
  stats_.flits_injected += packet.flits;
}

void PacketNetworkModel::process(const HeadArrival& a) {
  const NocPacket& pkt = slots_[a.slot];
  const uint32_t f = pkt.flits;
  const uint8_t out = select_route(config_.routing, mesh_, a.node, pkt.dst, [&](uint8_t p) {
    return std::numeric_limits<uint64_t>::max() - port_free_[size_t(a.node) * kNocPorts + p];
  });
  uint64_t& free_at = port_free_[size_t(a.node) * kNocPorts + out];
  const uint64_t grant = std::max(a.cycle + sa_offset_, free_at);
  free_at = grant + f;
  stats_.energy.routing += 1;
  stats_.energy.buffer_writes += f;
  stats_.energy.buffer_reads += f;
  stats_.energy.crossbar += f;
  stats_.link_flits[size_t(a.node) * kNocPorts + out] += f;
  if (out == kPortLocal) {
    DeliveredPacket d{pkt, grant + st_cycles_, grant + st_cycles_ + f - 1, mesh_.hops(pkt.src, pkt.dst)};
    pending_.push(PendingDelivery{grant + f - 1, order_++, d});
    free_slots_.push_back(a.slot);
  } else {
    stats_.energy.link_flits += f;
    arrivals_.push(HeadArrival{grant + st_cycles_ + config_.link_latency, order_++, a.slot,
                               mesh_.neighbour(a.node, out)});
  }
}

void PacketNetworkModel::advance_to(uint64_t cycle) {
  while (true) {
    const bool arrival_due = !arrivals_.empty() && arrivals_.top().cycle < cycle;
    const bool delivery_due = !pending_.empty() && pending_.top().tail_switch_cycle < cycle;
    if (!arrival_due && !delivery_due) break;
    // Deliveries up to a cycle go out before arrivals later than it, keeping time order.
    if (delivery_due && (!arrival_due || pending_.top().tail_switch_cycle <= arrivals_.top().cycle)) {
      const DeliveredPacket& d = pending_.top().delivered;
      delivered_.push_back(d);
      --outstanding_packets_;
      ++stats_.packets_delivered;
      stats_.flits_delivered += d.packet.flits;
      pending_.pop();
    } else {
      const HeadArrival a = arrivals_.top();
      arrivals_.pop();
      process(a);
    }
  }
  now_ = std::max(now_, cycle);
}

uint64_t PacketNetworkModel::next_activity_cycle() const {
  uint64_t next = std::numeric_limits<uint64_t>::max();
  if (!arrivals_.empty()) next = std::min(next, arrivals_.top().cycle);
  if (!pending_.empty()) next = std::min(next, pending_.top().tail_switch_cycle);
  return next == std::numeric_limits<uint64_t>::max() ? next : std::max(next, now_);
}

void PacketNetworkModel::take_delivered(std::vector<DeliveredPacket>& out) {
  out.insert(out.end(), delivered_.begin(), delivered_.end());
  delivered_.clear();
}

NocStats PacketNetworkModel::stats() const {
  NocStats s = stats_;
  s.cycle = now_;
  return s;
}

}  // namespace star
