#include "tracing/window_runs.h"

#include <algorithm>

namespace star {

void WindowRuns::add_spread(std::uint64_t start, std::uint64_t end, std::uint64_t window, double amount) {
  const std::uint64_t first = start / window;
  const std::uint64_t last = end <= start ? first : (end - 1) / window;
  if (last == first) {
    add(first, first + 1, amount);
    return;
  }
  // The full windows between the partial first and last share one amount.
  const double span = static_cast<double>(end - start);
  add(first, first + 1, amount * static_cast<double>((first + 1) * window - start) / span);
  if (last > first + 1) add(first + 1, last, amount * static_cast<double>(window) / span);
  add(last, last + 1, amount * static_cast<double>(end - last * window) / span);
}

void WindowRuns::add(std::uint64_t first, std::uint64_t last, double amount) {
  if (last <= first) return;
  if (empty()) {
    runs_.clear();
    head_ = 0;
    runs_.push_back({first, 0.0});
    end_ = last;
  } else {
    if (first < runs_[head_].first) {
      // A zero run in front, reusing a dropped slot when there is one.
      if (head_ > 0)
        runs_[--head_] = {first, 0.0};
      else
        runs_.insert(runs_.begin(), Run{first, 0.0});
    }
    if (last > end_) {
      runs_.push_back({end_, 0.0});
      end_ = last;
    }
  }
  std::size_t i = split_at(first);
  if (last < end_) split_at(last);
  for (; i < runs_.size() && runs_[i].first < last; ++i) runs_[i].total += amount;
}

std::size_t WindowRuns::find(std::uint64_t w) const {
  const auto it = std::upper_bound(runs_.begin() + static_cast<std::ptrdiff_t>(head_), runs_.end(),
                                   w, [](std::uint64_t x, const Run& r) { return x < r.first; });
  return static_cast<std::size_t>(it - runs_.begin()) - 1;
}

std::size_t WindowRuns::split_at(std::uint64_t w) {
  const std::size_t i = find(w);
  if (runs_[i].first == w) return i;
  runs_.insert(runs_.begin() + static_cast<std::ptrdiff_t>(i + 1), Run{w, runs_[i].total});
  return i + 1;
}

double WindowRuns::at(std::uint64_t w) const {
  if (empty() || w < runs_[head_].first || w >= end_) return 0.0;
  return runs_[find(w)].total;
}

double WindowRuns::max() const {
  double m = 0.0;
  for (std::size_t i = head_; i < runs_.size(); ++i) m = std::max(m, runs_[i].total);
  return m;
}

void WindowRuns::drop_closed_prefix() {
  if (head_ == runs_.size()) {
    runs_.clear();
    head_ = 0;
  } else if (head_ >= 64 && 2 * head_ >= runs_.size()) {
    runs_.erase(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

}  // namespace star
