#include "noc/latency_histogram.h"

#include <algorithm>
#include <stdexcept>

namespace star {

namespace {
// Rank (0-based) of the nearest-rank percentile p among n values.
size_t percentile_rank(double p, uint64_t n) { return std::min<size_t>(n - 1, size_t(p * double(n - 1) + 0.5)); }
}  // namespace

LatencySummary summarise_latency(std::vector<uint64_t> v) {
  LatencySummary s;
  s.count = v.size();
  if (v.empty()) return s;
  double sum = 0;
  for (uint64_t x : v) sum += double(x);
  s.mean = sum / v.size();
  s.max = double(*std::max_element(v.begin(), v.end()));
  // Selection (linear), not a full sort.
  auto pct = [&](double p) {
    auto nth = v.begin() + std::ptrdiff_t(percentile_rank(p, v.size()));
    std::nth_element(v.begin(), nth, v.end());
    return double(*nth);
  };
  s.p50 = pct(0.50);
  s.p95 = pct(0.95);
  s.p99 = pct(0.99);
  return s;
}

void LatencyHistogram::grow(uint64_t value) {
  if (value > (uint64_t(1) << 32)) throw std::invalid_argument("latency histogram: latency above 2^32 cycles");
  size_t size = std::max<size_t>(counts_.size(), 256);
  while (size <= value) size *= 2;
  counts_.resize(size, 0);
}

uint64_t LatencyHistogram::count() const {
  uint64_t n = 0;
  for (uint64_t c : counts_) n += c;
  return n;
}

LatencySummary LatencyHistogram::summary() const {
  LatencySummary s;
  uint64_t count = 0, sum = 0;  // integers: exact
  for (size_t latency = 0; latency < counts_.size(); ++latency) {
    count += counts_[latency];
    sum += counts_[latency] * latency;
  }
  s.count = count;
  if (count == 0) return s;
  s.mean = double(sum) / double(count);
  const size_t ranks[3] = {percentile_rank(0.50, count), percentile_rank(0.95, count),
                           percentile_rank(0.99, count)};
  double* out[3] = {&s.p50, &s.p95, &s.p99};
  uint64_t below = 0;  // values smaller than the current latency
  size_t next = 0;
  for (size_t latency = 0; latency < counts_.size(); ++latency) {
    if (counts_[latency] == 0) continue;
    below += counts_[latency];
    while (next < 3 && ranks[next] < below) *out[next++] = double(latency);
    s.max = double(latency);
  }
  return s;
}

}  // namespace star
