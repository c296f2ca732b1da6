// A value a module updates freely and the Tracer records only inside its time window. The module
// keeps the true value (read()); the VCD sees a shadow copy that follows it only while the window
// is open, so nothing changes in the file outside the window.
#pragma once

namespace star {

class Tracer;

// Implemented by Tracer: is the trace window open now?
class TraceWindow {
 public:
  virtual bool window_open() const = 0;

 protected:
  ~TraceWindow() = default;
};

template <class T>
class TracedValue {
 public:
  explicit TracedValue(T initial = T{}) : value_(initial), shown_(initial) {}
  TracedValue(const TracedValue&) = delete;  // the tracer holds the address of shown_
  TracedValue& operator=(const TracedValue&) = delete;

  void write(const T& v) {
    value_ = v;
    if (window_ && window_->window_open()) shown_ = v;
  }
  TracedValue& operator=(const T& v) {
    write(v);
    return *this;
  }
  const T& read() const { return value_; }
  bool traced() const { return window_ != nullptr; }

 private:
  friend class Tracer;
  T value_;
  T shown_;  // what sc_trace samples
  const TraceWindow* window_ = nullptr;
};

}  // namespace star
