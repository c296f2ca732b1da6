// Synthetic traffic for validating a NocModel (BookSim/Noxim style): a destination pattern,
// Bernoulli injection at a rate in flits/node/cycle, fixed packet length, and warm-up,
// measurement and drain phases. Latency is taken over the packets created in the measurement
// window, after they have all drained; accepted throughput over the flits ejected in the window.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "noc/latency_histogram.h"
#include "noc/mesh_topology.h"
#include "noc/noc_model.h"

namespace star {

enum class TrafficPattern { UniformRandom, Transpose, BitComplement, Hotspot, NearestNeighbour };
TrafficPattern parse_traffic_pattern(const std::string& name);  // uniform, transpose, ...
std::string to_string(TrafficPattern pattern);

struct TrafficConfig {
  TrafficPattern pattern = TrafficPattern::UniformRandom;
  double injection_rate = 0.1;       // offered flits per node per cycle, (0, 1]
  uint32_t packet_flits = 1;
  // Mixed lengths (as requests and responses): when not empty, each packet's length is drawn
  // among these, each as likely (packet_flits unused; star-noc --packet-flits 1,16).
  std::vector<uint32_t> packet_flits_mix;
  // With packet_flits_mix, on a NoC of two classes: the packets of the shortest listed length are
  // requests (class 0), the others responses (class 1), as a memory's traffic (star-noc
  // --request-response). Otherwise every packet is in class 0.
  bool request_response = false;
  double mean_packet_flits() const;
  uint32_t max_packet_flits() const;
  uint64_t warmup_cycles = 1000;
  uint64_t measure_cycles = 4000;
  uint64_t drain_limit_cycles = 20000;  // give up (saturated) if measured packets are still out
  uint64_t seed = 1;
  uint32_t hotspot_node = 0;
  double hotspot_fraction = 0.2;     // share of packets sent to the hotspot node
  // Packets to their own node are sent (through the source's router, in and out) instead of
  // dropped: uniform traffic draws the destination among all nodes, the transpose diagonal and a
  // hotspot's own packets to it stay in their router; as BookSim2's patterns do. Off: uniform
  // traffic draws among the other nodes and a pattern's packets to the source are not made.
  bool self_traffic = false;
  // With a model that times packets at injection (NocModel::times_at_injection): take each
  // packet's delivery from inject_timed when it is injected instead of queueing it for
  // advance_to and take_delivered. The results are the same (tests compare the two paths).
  bool timed_delivery = true;
  // TrafficResult::source_latency_map and source_packets_map (a sum and a count per measured
  // packet, so off unless asked for: star-noc --map and --map-csv).
  bool source_latency = false;
  // Longest run taken (warm-up + measurement + drain limit): 2^50 cycles, 13 days at 1 GHz.
  static constexpr uint64_t kMaxRunCycles = uint64_t(1) << 50;
  void validate(const NocConfig& noc) const;
};

// Small, fast, seedable generator (splitmix64) so runs are reproducible across platforms.
class TrafficRng {
 public:
  explicit TrafficRng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform();  // (0, 1]
  // Uniform in [0, n): the top 32 bits scaled by n (multiply and shift, no division).
  uint32_t below(uint32_t n) { return uint32_t(((next() >> 32) * n) >> 32); }

 private:
  uint64_t state_;
};

// Gaps between Bernoulli(p) events (geometric, >= 1) by inversion, floor(log u / log(1-p)) + 1,
// for u uniform in (0, 1] as TrafficRng::uniform() draws it. A table over the top bits of u gives
// the gap without a logarithm whenever the whole bucket maps to one value (nearly always); the
// result is the same as the formula's.
class GeometricGaps {
 public:
  explicit GeometricGaps(double p);
  uint64_t draw(TrafficRng& rng) const {
    if (p_ >= 1.0) return 1;
    const uint64_t bits = rng.next() >> 11;  // 53 bits, as TrafficRng::uniform()
    const uint16_t g = bucket_gap_[bits >> (53 - kBucketBits)];
    return g != kMixed ? g : draw_exact(bits);
  }

 private:
  static constexpr uint32_t kBucketBits = 10, kBuckets = 1u << kBucketBits;
  static constexpr uint16_t kMixed = UINT16_MAX;  // bucket spans several gaps (or a huge one): compute
  uint64_t exact(double u) const;
  uint64_t draw_exact(uint64_t bits) const;
  double p_, inv_log_q_;
  std::vector<uint16_t> bucket_gap_;  // 2 KiB: stays in the L1 cache
};

// A node other than `src`, uniformly.
inline uint32_t uniform_other(const MeshTopology& mesh, uint32_t src, TrafficRng& rng) {
  const uint32_t d = rng.below(mesh.nodes() - 1);
  return d >= src ? d + 1 : d;
}
uint32_t traffic_destination_of_pattern(const TrafficConfig& traffic, const MeshTopology& mesh, uint32_t src,
                                        TrafficRng& rng);
// Destination of a packet from `src`; src itself for a packet to its own node (the transpose
// diagonal; with self_traffic also uniform draws and a hotspot's own packets), which is only sent
// with self_traffic.
inline uint32_t traffic_destination(const TrafficConfig& traffic, const MeshTopology& mesh, uint32_t src,
                                    TrafficRng& rng) {
  if (traffic.pattern == TrafficPattern::UniformRandom && !traffic.self_traffic)
    return uniform_other(mesh, src, rng);  // the common case
  return traffic_destination_of_pattern(traffic, mesh, src, rng);
}


struct TrafficResult {
  double offered = 0;          // flits/node/cycle generated in the measurement window
  double accepted = 0;         // flits/node/cycle ejected in the measurement window
  LatencySummary packet_latency;  // cycles, creation to tail ejection (includes source queueing)
  LatencySummary head_latency;    // cycles, creation to head ejection
  double mean_hops = 0;
  bool saturated = false;      // measured packets did not drain within the limit
  uint64_t packets_injected = 0, packets_delivered = 0;  // whole run
  double link_util_mean = 0, link_util_max = 0;          // flits/cycle, measurement window
  double router_occupancy = 0;  // mean buffered flits per router, measurement window (NocStats)
  // Per router and per link, measurement window: mean buffered flits [node], flits per cycle sent
  // on each output [node * kNocPorts + port] (the local port is ejection; 0 where no link).
  std::vector<double> router_occupancy_map, link_utilisation_map;
  // Per source node, with TrafficConfig::source_latency (else empty): the measured packets it
  // sent, and their mean latency (cycles, as packet_latency; NaN for a node that sent none).
  std::vector<double> source_latency_map;
  std::vector<uint64_t> source_packets_map;
  double energy_pj_per_flit = 0;  // measurement window energy / its flits (NocModel::counts_at_injection)
  uint32_t max_vc_occupancy = 0;
  uint64_t buffer_overflows = 0;
  uint64_t cycles = 0;          // simulated
  uint64_t flit_hops = 0;       // crossbar traversals over the whole run
  double wall_seconds = 0;
  double cpu_seconds = 0;       // process CPU time (steadier than wall time on a shared machine)
  double model_seconds = 0;     // wall time inside the model (inject, advance, collect), without
                                // traffic generation and statistics (but with the per-packet
                                // delivery statistics when deliveries are timed at injection)
};

// Runs one load point on a fresh `model` (now() == 0).
TrafficResult run_synthetic_traffic(NocModel& model, const TrafficConfig& traffic);

}  // namespace star
