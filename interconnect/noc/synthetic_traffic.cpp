#include "noc/synthetic_traffic.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cmath>
#include <ctime>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

namespace star {

TrafficPattern parse_traffic_pattern(const std::string& name) {
  if (name == "uniform") return TrafficPattern::UniformRandom;
  if (name == "transpose") return TrafficPattern::Transpose;
  if (name == "bitcomp") return TrafficPattern::BitComplement;
  if (name == "hotspot") return TrafficPattern::Hotspot;
  if (name == "neighbour") return TrafficPattern::NearestNeighbour;
  throw std::invalid_argument("traffic pattern '" + name +
                              "' unknown (expected uniform, transpose, bitcomp, hotspot or neighbour)");
}

std::string to_string(TrafficPattern pattern) {
  switch (pattern) {
    case TrafficPattern::UniformRandom: return "uniform";
    case TrafficPattern::Transpose: return "transpose";
    case TrafficPattern::BitComplement: return "bitcomp";
    case TrafficPattern::Hotspot: return "hotspot";
    case TrafficPattern::NearestNeighbour: return "neighbour";
  }
  return "?";
}

void TrafficConfig::validate(const NocConfig& noc) const {
  if (!(injection_rate > 0.0 && injection_rate <= 1.0)) {
    std::ostringstream rate;
    rate << injection_rate;
    throw std::invalid_argument("traffic: injection_rate " + rate.str() + " must be in (0, 1] flits/node/cycle");
  }
  if (packet_flits < 1 || packet_flits > 1024) throw std::invalid_argument("traffic: packet_flits must be in 1..1024");
  if (packet_flits_mix.size() == 1 || packet_flits_mix.size() > 16)
    throw std::invalid_argument("traffic: packet_flits_mix takes 2 to 16 lengths (one length: packet_flits)");
  for (uint32_t f : packet_flits_mix)
    if (f < 1 || f > 1024)
      throw std::invalid_argument("traffic: packet_flits_mix length " + std::to_string(f) + " must be in 1..1024");
  if (request_response && packet_flits_mix.empty())
    throw std::invalid_argument("traffic: request_response needs mixed lengths (packet_flits_mix: the shortest "
                                "are the requests)");
  if (request_response && noc.num_vc_classes != 2)
    throw std::invalid_argument("traffic: request_response needs a NoC of 2 VC classes (num_vc_classes is " +
                                std::to_string(noc.num_vc_classes) + ")");
  if (measure_cycles < 1) throw std::invalid_argument("traffic: measure_cycles must be >= 1");
  // Each phase, and the whole run, fits in kMaxRunCycles: cycle counts that would wrap around
  // (a run's end is warm-up + measurement + drain) are refused, not run as nonsense.
  if (warmup_cycles > kMaxRunCycles || measure_cycles > kMaxRunCycles || drain_limit_cycles > kMaxRunCycles ||
      warmup_cycles + measure_cycles + drain_limit_cycles > kMaxRunCycles)
    throw std::invalid_argument("traffic: warmup_cycles + measure_cycles + drain_limit_cycles must be at most " +
                                std::to_string(kMaxRunCycles) + " cycles");
  if (hotspot_node >= noc.nodes()) throw std::invalid_argument("traffic: hotspot_node outside the mesh");
  if (!(hotspot_fraction >= 0.0 && hotspot_fraction <= 1.0))
    throw std::invalid_argument("traffic: hotspot_fraction must be in [0, 1]");
  if (pattern == TrafficPattern::Transpose && noc.width != noc.height)
    throw std::invalid_argument("traffic: transpose needs a square mesh");
  if (noc.nodes() < 2) throw std::invalid_argument("traffic: synthetic traffic needs at least 2 nodes");
  if (noc.nodes() > 65536) throw std::invalid_argument("traffic: synthetic traffic takes at most 65536 nodes");
}

double TrafficConfig::mean_packet_flits() const {
  if (packet_flits_mix.empty()) return packet_flits;
  double sum = 0;
  for (uint32_t f : packet_flits_mix) sum += f;
  return sum / double(packet_flits_mix.size());
}

uint32_t TrafficConfig::max_packet_flits() const {
  return packet_flits_mix.empty() ? packet_flits : *std::max_element(packet_flits_mix.begin(), packet_flits_mix.end());
}

double TrafficRng::uniform() { return (double(next() >> 11) + 1.0) * (1.0 / 9007199254740992.0); }


uint32_t traffic_destination_of_pattern(const TrafficConfig& t, const MeshTopology& mesh, uint32_t src,
                                        TrafficRng& rng) {
  const uint32_t x = mesh.x_of(src), y = mesh.y_of(src);
  switch (t.pattern) {
    case TrafficPattern::UniformRandom: return t.self_traffic ? rng.below(mesh.nodes()) : uniform_other(mesh, src, rng);
    case TrafficPattern::Transpose: return mesh.node_at(y, x);
    case TrafficPattern::BitComplement: return mesh.node_at(mesh.width - 1 - x, mesh.height - 1 - y);
    case TrafficPattern::Hotspot:
      if ((t.self_traffic || src != t.hotspot_node) && rng.uniform() <= t.hotspot_fraction) return t.hotspot_node;
      return t.self_traffic ? rng.below(mesh.nodes()) : uniform_other(mesh, src, rng);
    case TrafficPattern::NearestNeighbour: {
      uint8_t ports[4];
      uint32_t n = 0;
      for (uint8_t p = 1; p < kNocPorts; ++p)
        if (mesh.has_neighbour(src, p)) ports[n++] = p;
      return mesh.neighbour(src, ports[rng.below(n)]);
    }
  }
  return src;
}

GeometricGaps::GeometricGaps(double p) : p_(p), inv_log_q_(p < 1.0 ? 1.0 / std::log1p(-p) : 0.0) {
  if (p_ >= 1.0) return;
  // Bucket k covers u in (k / kBuckets, (k + 1) / kBuckets]; the gap is monotone in u, so the
  // bucket's two ends bound it.
  // bucket's two ends bound it. Each end is shared by two buckets: kBuckets + 1 logarithms per
  // run (a fixed cost every run pays, so the table is kept small).
  bucket_gap_.resize(kBuckets);
  uint64_t high = UINT64_MAX;  // gap at u = k / kBuckets (u -> 0 for k = 0)
  for (uint32_t k = 0; k < kBuckets; ++k) {
    const uint64_t low = exact(double(k + 1) / kBuckets);  // largest u: smallest gap
    bucket_gap_[k] = low == high && low < kMixed ? uint16_t(low) : kMixed;
    high = low;
  }
}

uint64_t GeometricGaps::exact(double u) const { return 1 + uint64_t(std::floor(std::log(u) * inv_log_q_)); }

uint64_t GeometricGaps::draw_exact(uint64_t bits) const {
  return exact((double(bits) + 1.0) * (1.0 / 9007199254740992.0));
}

TrafficResult run_synthetic_traffic(NocModel& model, const TrafficConfig& t) {
  const NocConfig& noc = model.config();
  t.validate(noc);
  if (model.now() != 0) throw std::invalid_argument("run_synthetic_traffic needs a fresh model");
  const auto wall_start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  const MeshTopology mesh = noc.mesh();
  const uint32_t n = mesh.nodes();
  const uint64_t measure_begin = t.warmup_cycles;
  const uint64_t measure_end = measure_begin + t.measure_cycles;
  const uint64_t give_up = measure_end + t.drain_limit_cycles;
  constexpr uint64_t kMeasuredBit = 1ull << 63;

  // Bernoulli injection of packets (probability rate/F per node per cycle) drawn as geometric gaps.
  const double p = std::min(1.0, t.injection_rate / t.mean_packet_flits());
  TrafficRng rng(t.seed);
  const GeometricGaps gaps(p);
  std::vector<uint64_t> next_packet(n);
  for (uint32_t s = 0; s < n; ++s) next_packet[s] = gaps.draw(rng) - 1;

  TrafficResult r;
  uint64_t id = 0, measured_out = 0, generated_flits_in_window = 0;
  LatencyHistogram latencies, head_latencies;  // counters, not a list of samples
  std::vector<DeliveredPacket> delivered;
  constexpr uint64_t kChunk = 256;
  // A chunk's packets by creation cycle: bin c (cycle + c) has room for one packet per node (a
  // node creates at most one per cycle), in node order. A packet is kept in 8 bytes until it is
  // injected (the chunk's bins stay in the L1 or L2 cache); `index` is its rank in the order the
  // packets were drawn, which numbers its id.
  struct Drawn {
    uint32_t index;
    uint16_t src, dst;  // TrafficConfig::validate: at most 65536 nodes
  };
  const std::unique_ptr<Drawn[]> bins(new Drawn[kChunk * n]);  // not cleared: pages a chunk never fills stay untouched
  // Mixed lengths: each drawn packet's, beside its bin entry (drawn after its destination).
  const bool mixed = !t.packet_flits_mix.empty();
  const uint32_t mix_count = uint32_t(t.packet_flits_mix.size());
  // Requests and responses (TrafficConfig::request_response): a packet longer than the shortest
  // length is a response.
  const uint32_t request_flits = t.request_response ? *std::min_element(t.packet_flits_mix.begin(), t.packet_flits_mix.end())
                                                    : ~uint32_t(0);
  const std::unique_ptr<uint16_t[]> bin_flits(mixed ? new uint16_t[kChunk * n] : nullptr);
  std::vector<uint32_t> bin_size(kChunk);
  uint64_t hops_sum = 0;  // an integer: no floating-point add chain per packet
  NocStats at_begin, at_end;
  uint64_t cycle = 0;
  // Per source (TrafficConfig::source_latency): latency sums and packet counts.
  std::vector<uint64_t> source_sums(t.source_latency ? n : 0), source_counts(t.source_latency ? n : 0);
  uint64_t* const source_sum = t.source_latency ? source_sums.data() : nullptr;
  auto add_measured = [&](uint32_t src, uint64_t created, uint64_t head_cycle, uint64_t tail_cycle, uint32_t hops) {
    latencies.add(tail_cycle - created);
    head_latencies.add(head_cycle - created);
    hops_sum += hops;
    if (source_sum) {
      source_sum[src] += tail_cycle - created;
      ++source_counts[src];
    }
  };
  // The flits each link and ejection port sends in the measurement window, as they move (a model
  // that times packets at injection places them in time): accepted throughput and link
  // utilisation.
  model.count_window(measure_begin, measure_end);
  // A model that times each packet at injection gives its delivery then; the statistics are
  // kept as if the packet were queued and taken after the chunk that releases it, the only
  // point where the queued path looks (the chunks after measure_end are kChunk long, so the
  // chunk is known from the release cycle): packets_delivered counts those released before the
  // run ends, and a measured packet that would still be out when the run gives up (the first
  // chunk end >= give_up) is left out of the latencies.
  const bool timed = t.timed_delivery && model.times_at_injection();
  const uint64_t last_cycle = measure_end + (t.drain_limit_cycles / kChunk + (t.drain_limit_cycles % kChunk != 0)) * kChunk;
  uint64_t released_early = 0;          // packets released before measure_end
  std::vector<uint64_t> released_late;  // [j]: released in chunk j after measure_end
  uint64_t measured_release_end = 0;    // every measured packet is released before this cycle
  DeliveryTiming d;
  auto inject_timed = [&](const NocPacket& q) {
    model.inject_timed(q, d);
    const uint64_t release = d.release_cycle;
    if (release < measure_end) {
      ++released_early;
    } else if (release < last_cycle) {
      const uint64_t j = (release - measure_end) / kChunk;
      if (j >= released_late.size()) released_late.resize(j + 1, 0);
      ++released_late[j];
    }
    if (q.id & kMeasuredBit) {
      measured_release_end = std::max(measured_release_end, release + 1);
      if (release < last_cycle) add_measured(q.src, q.created_cycle, d.head_cycle, d.tail_cycle, d.hops);
    }
  };
  while (true) {
    uint64_t chunk_end = cycle + kChunk;
    if (cycle < measure_begin) chunk_end = std::min(chunk_end, measure_begin);
    else if (cycle < measure_end) chunk_end = std::min(chunk_end, measure_end);
    // Each node's packets of the chunk (few mispredicted branches: one loop exit per node), filed
    // by creation cycle; then injected in creation order (cycle, then node), as a network would
    // see them: the packet model reserves links in injection order.
    const uint64_t length = chunk_end - cycle;
    std::fill(bin_size.begin(), bin_size.begin() + length, 0);
    uint32_t drawn = 0;
    // On a copy of the generator that no call outside sees (for uniform traffic), so that its
    // state stays in a register.
    const bool drop_self = !t.self_traffic;
    auto draw_chunk = [&](auto&& destination) __attribute__((always_inline)) {
      TrafficRng local = rng;
      for (uint32_t s = 0; s < n; ++s) {
        uint64_t next = next_packet[s];
        while (next < chunk_end) {
          const uint64_t c = next - cycle;
          next += gaps.draw(local);
          const uint32_t dst = destination(s, local);
          if (dst == s && drop_self) continue;
          if (mixed) bin_flits[c * n + bin_size[c]] = uint16_t(t.packet_flits_mix[local.below(mix_count)]);
          bins[c * n + bin_size[c]++] = Drawn{drawn++, uint16_t(s), uint16_t(dst)};
        }
        next_packet[s] = next;
      }
      rng = local;
    };
    if (t.pattern == TrafficPattern::UniformRandom && drop_self)
      draw_chunk([&](uint32_t s, TrafficRng& g) { return uniform_other(mesh, s, g); });
    else
      draw_chunk([&](uint32_t s, TrafficRng& g) { return traffic_destination_of_pattern(t, mesh, s, g); });
    r.packets_injected += drawn;
    // Calls `inject` on each packet of the chunk in creation order.
    auto inject_chunk = [&](auto&& inject) {
      NocPacket q;
      q.flits = t.packet_flits;
      for (uint64_t c = 0; c < length; ++c) {
        q.created_cycle = cycle + c;
        const bool measured = q.created_cycle >= measure_begin && q.created_cycle < measure_end;
        const uint64_t id_base = id | (measured ? kMeasuredBit : 0);
        const Drawn* bin = &bins[c * n];
        uint64_t flits = mixed ? 0 : uint64_t(bin_size[c]) * t.packet_flits;
        for (uint32_t k = 0; k < bin_size[c]; ++k) {
          q.id = id_base + bin[k].index;
          q.src = bin[k].src;
          q.dst = bin[k].dst;
          if (mixed) {
            flits += q.flits = bin_flits[c * n + k];
            q.vc_class = q.flits > request_flits;
          }
          inject(q);
        }
        if (measured) {
          measured_out += bin_size[c];
          generated_flits_in_window += flits;
        }
      }
      id += drawn;
    };
    const auto model_start = std::chrono::steady_clock::now();
    if (timed) {
      inject_chunk(inject_timed);
      model.advance_to(chunk_end);  // nothing queued: only moves now()
      cycle = chunk_end;
      r.model_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - model_start).count();
    } else {
      inject_chunk([&](const NocPacket& q) { model.inject(q); });
      model.advance_to(chunk_end);
      cycle = chunk_end;
      delivered.clear();
      model.take_delivered(delivered);
      r.model_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - model_start).count();
      for (const DeliveredPacket& d : delivered) {
        ++r.packets_delivered;
        if (d.packet.id & kMeasuredBit) {
          --measured_out;
          add_measured(d.packet.src, d.packet.created_cycle, d.head_cycle, d.tail_cycle, d.hops);
        }
      }
    }
    if (cycle == measure_begin) at_begin = model.stats();
    if (cycle == measure_end) at_end = model.stats();
    const bool measured_all_out = timed ? measured_release_end <= cycle : measured_out == 0;
    if (cycle >= measure_end && measured_all_out) break;
    if (cycle >= give_up) {
      r.saturated = true;
      break;
    }
  }
  NocStats window = at_end.since(at_begin);
  if (timed) {  // the model counted each delivery when it was injected
    r.packets_delivered = released_early;
    for (uint64_t j = 0; j < (cycle - measure_end) / kChunk && j < released_late.size(); ++j)
      r.packets_delivered += released_late[j];
  }
  const NocStats total = model.stats();
  const double node_cycles = double(n) * t.measure_cycles;
  r.offered = generated_flits_in_window / node_cycles;
  double ejected = 0;  // flits that left the network in the window
  for (uint32_t node = 0; node < n; ++node) ejected += total.window_link_flits[size_t(node) * kNocPorts + kPortLocal];
  r.accepted = ejected / node_cycles;
  r.packet_latency = latencies.summary();
  r.head_latency = head_latencies.summary();
  r.mean_hops = latencies.count() == 0 ? 0.0 : double(hops_sum) / double(latencies.count());
  if (t.source_latency) {
    r.source_packets_map = source_counts;
    r.source_latency_map.assign(n, std::numeric_limits<double>::quiet_NaN());
    for (uint32_t s = 0; s < n; ++s)
      if (source_counts[s] > 0) r.source_latency_map[s] = double(source_sums[s]) / double(source_counts[s]);
  }
  const bool ahead = model.counts_at_injection();
  // A model that counts at injection adds each router's stays, the whole waits of the window's
  // injected packets, when it injects them. Without
  // back-pressure such a model keeps every wait in the routers, while real buffers hold at most
  // their capacity and the rest waits in the source queues: past saturation it would report more
  // flits than the buffers hold. Each router's mean is capped at its buffers' capacity.
  if (ahead) {
    const uint64_t per_port = uint64_t(noc.num_vcs) * noc.vc_buffer_flits;
    for (uint32_t node = 0; node < n && node < window.occupancy_flit_cycles.size(); ++node) {
      uint64_t ports = 1;  // the local input
      for (uint8_t p = 0; p < kNocPorts; ++p) ports += p != kPortLocal && mesh.has_neighbour(node, p);
      window.occupancy_flit_cycles[node] = std::min(window.occupancy_flit_cycles[node], ports * per_port * t.measure_cycles);
    }
  }
  const LinkUtilisation u = link_utilisation(total.window_link_flits, n, t.measure_cycles, mesh);
  r.link_util_mean = u.mean;
  r.link_util_max = u.max;
  r.router_occupancy = mean_router_occupancy(window, t.measure_cycles);
  r.router_occupancy_map.assign(n, 0.0);
  for (uint32_t node = 0; node < n && node < window.occupancy_flit_cycles.size(); ++node)
    r.router_occupancy_map[node] = double(window.occupancy_flit_cycles[node]) / double(t.measure_cycles);
  r.link_utilisation_map.assign(size_t(n) * kNocPorts, 0.0);
  for (size_t i = 0; i < r.link_utilisation_map.size() && i < total.window_link_flits.size(); ++i)
    r.link_utilisation_map[i] = total.window_link_flits[i] / double(t.measure_cycles);
  // Energy per flit of the flits the window's energy was spent on: those injected in it when the
  // model counts a packet's energy at injection, else (counted as the flits or heads move) those
  // that left the network in it.
  const double priced = ahead ? double(window.flits_injected) : ejected;
  r.energy_pj_per_flit = priced > 0 ? noc_energy(window.energy, noc).total_pj() / priced : 0.0;
  r.max_vc_occupancy = total.max_vc_occupancy;
  r.buffer_overflows = total.buffer_overflows;
  r.cycles = cycle;
  r.flit_hops = total.energy.crossbar;
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  r.cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return r;
}

}  // namespace star
