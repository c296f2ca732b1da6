// The statistic kinds a module owns as plain members and updates on its hot path. They carry no
// name: a module hands them to a StatsRegistry once, with name, unit and description (DRAMSys
// style), and the registry samples them when a report is written.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace star {

// A monotonically increasing event or quantity count (accesses, bytes, cycles).
class Counter {
 public:
  void add(std::uint64_t n = 1) { value_ += n; }
  Counter& operator++() {
    ++value_;
    return *this;
  }
  Counter& operator+=(std::uint64_t n) {
    value_ += n;
    return *this;
  }
  std::uint64_t value() const { return value_; }
  void reset() { value_ = 0; }

 private:
  std::uint64_t value_ = 0;
};

// A value the module sets (a configured frequency, a final ratio, the last tile's size).
class Scalar {
 public:
  void set(double v) { value_ = v; }
  Scalar& operator=(double v) {
    value_ = v;
    return *this;
  }
  double value() const { return value_; }

 private:
  double value_ = 0.0;
};

// The mean of a series of samples (e.g. latency per access). Reports 0 with no samples.
class Average {
 public:
  void sample(double v) {
    sum_ += v;
    ++count_;
  }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  std::uint64_t count() const { return count_; }
  void reset() { sum_ = 0.0, count_ = 0; }

 private:
  double sum_ = 0.0;
  std::uint64_t count_ = 0;
};

// The largest value seen (queue occupancy, peak window utilisation). Reports 0 before any sample.
class HighWaterMark {
 public:
  void sample(double v) {
    max_ = std::max(max_, v);
    seen_ = true;
  }
  double value() const { return seen_ ? max_ : 0.0; }
  void reset() { max_ = std::numeric_limits<double>::lowest(), seen_ = false; }

 private:
  double max_ = std::numeric_limits<double>::lowest();
  bool seen_ = false;
};

}  // namespace star
