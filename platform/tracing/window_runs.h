// Bytes per time window for the windows a BandwidthMonitor has not closed yet, held as runs of
// consecutive windows with the same total rather than one entry per window: a transfer spanning
// thousands of windows adds its partial first and last windows and one run for its full middle
// windows, and closing walks runs, not windows.
//
// The runs cover [front window, end) without gaps (windows nobody wrote hold 0). add() splits runs
// at the range's edges and adds the amount to each run inside, so every window sees exactly the
// additions, in the same order, that a per-window table would: the totals are bit-identical to
// summing window by window. Storage is one vector; closed runs are dropped from the front.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace star {

class WindowRuns {
 public:
  // Adds `amount` to every window in [first, last); nothing when last <= first.
  void add(std::uint64_t first, std::uint64_t last, double amount);
  // Spreads `amount` evenly over the span [start, end) of time units cut into windows of `window`
  // units: each window gets amount x overlap / span (end <= start puts it all in start's window).
  void add_spread(std::uint64_t start, std::uint64_t end, std::uint64_t window, double amount);

  // Removes every window below `w`, calling f(first, last, total) once per run (or the part of a
  // run) in increasing window order: windows [first, last) each held `total`.
  template <class F>
  void close_before(std::uint64_t w, F&& f);

  // The total of window w (0 for a window not held).
  double at(std::uint64_t w) const;
  // The highest total of any held window (0 when empty).
  double max() const;
  bool empty() const { return head_ == runs_.size(); }
  // Runs held; the storage is at most twice that plus 64 (closed runs are dropped in bulk).
  std::size_t runs() const { return runs_.size() - head_; }

 private:
  struct Run {
    std::uint64_t first;  // the run lasts up to the next run's first window, or end_
    double total;
  };
  // The index of the run that starts at w, splitting the run containing w if needed; w must lie
  // in [front window, end_).
  std::size_t split_at(std::uint64_t w);
  // The index of the run containing w, which must lie in [front window, end_).
  std::size_t find(std::uint64_t w) const;
  std::uint64_t run_end(std::size_t i) const {
    return i + 1 < runs_.size() ? runs_[i + 1].first : end_;
  }
  void drop_closed_prefix();

  std::vector<Run> runs_;  // runs_[head_..] are held, in window order
  std::size_t head_ = 0;
  std::uint64_t end_ = 0;  // one past the last held window
};

template <class F>
void WindowRuns::close_before(std::uint64_t w, F&& f) {
  while (head_ < runs_.size() && runs_[head_].first < w) {
    const std::uint64_t e = run_end(head_);
    if (e <= w) {
      f(runs_[head_].first, e, runs_[head_].total);
      ++head_;
    } else {
      f(runs_[head_].first, w, runs_[head_].total);
      runs_[head_].first = w;
    }
  }
  drop_closed_prefix();
}

}  // namespace star
