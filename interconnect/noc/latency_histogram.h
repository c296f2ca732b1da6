// Latency statistics without keeping every sample: a count per latency value (cycles), so a
// run of millions of packets costs one increment each, and the percentiles are still exact
// (nearest rank, the same as summarise_latency on the full list of values).
#pragma once

#include <cstdint>
#include <vector>

namespace star {

struct LatencySummary {
  uint64_t count = 0;
  double mean = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;
};

// Summary of a list of values (nearest-rank percentiles: the value of rank round(p * (n-1))).
LatencySummary summarise_latency(std::vector<uint64_t> values);

class LatencyHistogram {
 public:
  void add(uint64_t value) {  // one increment: the count and sum are taken from the counts
    if (value >= counts_.size()) grow(value);
    ++counts_[value];
  }
  uint64_t count() const;
  // Same numbers as summarise_latency() on the values added.
  LatencySummary summary() const;

 private:
  void grow(uint64_t value);
  std::vector<uint64_t> counts_;  // [latency]
};

}  // namespace star
