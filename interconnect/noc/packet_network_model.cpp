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
  credit_loop_ = (r >= 2 ? r : 1) + 2 * config_.link_latency + config_.credit_latency;
  buckets_.resize(kBuckets);
  hold_upstream_links_ = config_.vcs_per_class() == 1;
  outputs_.resize(size_t(mesh_.nodes()) * kNocPorts);
  inject_free_.assign(mesh_.nodes(), 0);
  stats_.link_flits.assign(size_t(mesh_.nodes()) * kNocPorts, 0);
}

uint32_t PacketNetworkModel::occupancy_cycles(uint32_t flits) const {
  const uint32_t depth = config_.vc_buffer_flits;
  if (depth >= credit_loop_) return flits;
  // Flit k leaves floor(k / depth) round trips plus k mod depth cycles after the head.
  return (flits - 1) / depth * credit_loop_ + (flits - 1) % depth + 1;
}

void PacketNetworkModel::inject(const NocPacket& packet) {
  check_packet(packet, now_);
  const uint32_t f = packet.flits;
  // Cycles from head to tail on every hop (a packet that never leaves its router is not throttled).
  const uint32_t span = packet.src == packet.dst ? f : occupancy_cycles(f);
  // The network interface serialises the packet onto the injection channel, one flit per cycle.
  uint64_t arrive = std::max(packet.created_cycle, inject_free_[packet.src]);
  const uint64_t injected = arrive;
  inject_free_[packet.src] = arrive + span;
  uint32_t node = packet.src;
  path_.clear();
  while (true) {
    const uint64_t ready = arrive + sa_offset_;
    const uint8_t out = select_route(config_.routing, mesh_, node, packet.dst, [&](uint8_t p) {
      return std::numeric_limits<uint64_t>::max() - outputs_[size_t(node) * kNocPorts + p].first_free(ready, now_);
    });
    const uint64_t grant = outputs_[size_t(node) * kNocPorts + out].reserve(ready, span, now_);
    path_.push_back(Hop{uint32_t(size_t(node) * kNocPorts + out), grant});
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
      slots_[slot] = DeliveredPacket{packet, grant + st_cycles_, grant + st_cycles_ + span - 1,
                                     mesh_.hops(packet.src, packet.dst)};
      const uint64_t release_cycle = grant + span - 1;
      if (release_cycle < now_ + kBuckets) buckets_[release_cycle % kBuckets].push_back(slot);
      else far_.push(PendingDelivery{release_cycle, order_++, slot});
      ++pending_count_;
      break;
    }
    arrive = grant + st_cycles_ + config_.link_latency;
    node = mesh_.neighbour(node, out);
  }
  if (hold_upstream_links_ && path_.size() > 1) {
    const uint64_t depth = config_.vc_buffer_flits;
    uint64_t downstream_end = path_.back().grant + span;
    for (size_t i = path_.size() - 1; i-- > 0;) {
      const Hop& h = path_[i];
      const uint64_t end = std::max(h.grant + span, downstream_end > depth ? downstream_end - depth : 0);
      if (end > h.grant + span) outputs_[h.output].hold(h.grant + span, end, now_);
      downstream_end = end;
    }
    // The interface cannot push the rest of the packet into a full local buffer either.
    inject_free_[packet.src] = std::max(injected + span, downstream_end > depth ? downstream_end - depth : 0);
  }
  // Every router on the minimal path buffers, switches and routes the packet once.
  const uint64_t hops = mesh_.hops(packet.src, packet.dst);
  stats_.energy.routing += hops + 1;
  stats_.energy.buffer_writes += f * (hops + 1);
  stats_.energy.buffer_reads += f * (hops + 1);
  stats_.energy.crossbar += f * (hops + 1);
  stats_.energy.link_flits += f * hops;
  ++stats_.packets_injected;
  stats_.flits_injected += f;
}

void PacketNetworkModel::release(uint32_t slot) {
  delivered_.push_back(slots_[slot]);
  free_slots_.push_back(slot);
  --pending_count_;
  ++stats_.packets_delivered;
  stats_.flits_delivered += slots_[slot].packet.flits;
}

void PacketNetworkModel::advance_to(uint64_t cycle) {
  while (now_ < cycle) {
    if (pending_count_ == 0) {
      now_ = cycle;
      break;
    }
    while (!far_.empty() && far_.top().release_cycle == now_) {
      release(far_.top().slot);
      far_.pop();
    }
    std::vector<uint32_t>& bucket = buckets_[now_ % kBuckets];
    for (uint32_t slot : bucket) release(slot);
    bucket.clear();
    ++now_;
  }
}

uint64_t PacketNetworkModel::next_activity_cycle() const {
  if (pending_count_ == 0) return std::numeric_limits<uint64_t>::max();
  for (uint64_t c = now_; c < now_ + kBuckets; ++c)
    if (!buckets_[c % kBuckets].empty()) return far_.empty() ? c : std::min(c, far_.top().release_cycle);
  return far_.top().release_cycle;
}

void PacketNetworkModel::take_delivered(std::vector<DeliveredPacket>& out) {
  if (out.empty()) {
    out.swap(delivered_);  // the common case: no copy
  } else {
    out.insert(out.end(), delivered_.begin(), delivered_.end());
  }
  delivered_.clear();
}

NocStats PacketNetworkModel::stats() const {
  NocStats s = stats_;
  s.cycle = now_;
  return s;
}

}  // namespace star
