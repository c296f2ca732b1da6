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
  outputs_.resize(size_t(mesh_.nodes()) * kNocPorts);
  inject_free_.assign(mesh_.nodes(), 0);
  stats_.link_flits.assign(size_t(mesh_.nodes()) * kNocPorts, 0);
}

void PacketNetworkModel::inject(const NocPacket& packet) {
  check_packet(packet, now_);
  const uint32_t f = packet.flits;
  // The network interface serialises the packet onto the injection channel, one flit per cycle.
  uint64_t arrive = std::max(packet.created_cycle, inject_free_[packet.src]);
  inject_free_[packet.src] = arrive + f;
  uint32_t node = packet.src;
  while (true) {
    const uint64_t ready = arrive + sa_offset_;
    const uint8_t out = select_route(config_.routing, mesh_, node, packet.dst, [&](uint8_t p) {
      return std::numeric_limits<uint64_t>::max() - outputs_[size_t(node) * kNocPorts + p].first_free(ready, now_);
    });
    const uint64_t grant = outputs_[size_t(node) * kNocPorts + out].reserve(ready, f, now_);
    stats_.energy.routing += 1;
    stats_.energy.buffer_writes += f;
    stats_.energy.buffer_reads += f;
    stats_.energy.crossbar += f;
    stats_.link_flits[size_t(node) * kNocPorts + out] += f;
    if (out == kPortLocal) {
      uint32_t slot;
      if (free_slots_.empty()) {
        slot = uint32_t(slots_.size());
        slots_.emplace_back();
      } else {
        slot = free_slots_.back();
        free_slots_.pop_back();
      }
      slots_[slot] = DeliveredPacket{packet, grant + st_cycles_, grant + st_cycles_ + f - 1,
                                     mesh_.hops(packet.src, packet.dst)};
      pending_.push(PendingDelivery{grant + f - 1, order_++, slot});
      break;
    }
    stats_.energy.link_flits += f;
    arrive = grant + st_cycles_ + config_.link_latency;
    node = mesh_.neighbour(node, out);
  }
  ++stats_.packets_injected;
  stats_.flits_injected += f;
}

void PacketNetworkModel::advance_to(uint64_t cycle) {
  while (!pending_.empty() && pending_.top().release_cycle < cycle) {
    const uint32_t slot = pending_.top().slot;
    pending_.pop();
    delivered_.push_back(slots_[slot]);
    free_slots_.push_back(slot);
    ++stats_.packets_delivered;
    stats_.flits_delivered += slots_[slot].packet.flits;
  }
  now_ = std::max(now_, cycle);
}

uint64_t PacketNetworkModel::next_activity_cycle() const {
  if (pending_.empty()) return std::numeric_limits<uint64_t>::max();
  return std::max(pending_.top().release_cycle, now_);
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
