// Shared harness of the SystemC platform tests. Inside SC processes use CHECK (it records and
// prints, never throws); assert final state after sc_start() returns; sc_main ends with
// `return finish();`, which fails on any failed check and on any SystemC warning or error.
#pragma once

#include <systemc>

#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

namespace star::test {

inline int& failures() {
  static int n = 0;
  return n;
}
inline int& sc_problems() {
  static int n = 0;
  return n;
}

inline void check(bool ok, const char* expr, const char* file, int line, const std::string& note) {
  if (ok) return;
  ++failures();
  std::fprintf(stderr, "%s:%d: CHECK failed: %s %s\n", file, line, expr, note.c_str());
}

// Every warning and error counts as a failure (and is still displayed); errors also throw, as
// the kernel expects, so sc_start() returns by exception.
inline void counting_handler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
  if (rep.get_severity() >= sc_core::SC_WARNING) ++sc_problems();
  sc_core::sc_report_handler::default_handler(rep, actions);
}

inline void install_strict_reporting() {
  sc_core::sc_report_handler::set_handler(counting_handler);
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING,
                                          sc_core::SC_DISPLAY | sc_core::SC_LOG);
}

// Runs the simulation, turning any exception into a recorded failure.
inline void run(const sc_core::sc_time& t = sc_core::SC_ZERO_TIME, bool bounded = false) {
  try {
    if (bounded)
      sc_core::sc_start(t);
    else
      sc_core::sc_start();
  } catch (const std::exception& e) {
    ++failures();
    std::fprintf(stderr, "simulation threw: %s\n", e.what());
  }
}

inline int finish() {
  if (sc_problems())
    std::fprintf(stderr, "%d SystemC warning(s)/error(s) reported\n", sc_problems());
  const int bad = failures() + sc_problems();
  std::fprintf(stderr, bad ? "FAILED (%d)\n" : "PASSED\n", bad);
  return bad ? 1 : 0;
}

inline std::string ns(const sc_core::sc_time& t) { return t.to_string(); }

}  // namespace star::test

#define CHECK(cond) ::star::test::check((cond), #cond, __FILE__, __LINE__, "")
#define CHECK_MSG(cond, msg) ::star::test::check((cond), #cond, __FILE__, __LINE__, (msg))
// Each operand is evaluated exactly once (the tests pass calls with side effects).
#define CHECK_TIME(actual, expected)                                                  \
  do {                                                                                \
    const sc_core::sc_time a_ = (actual), e_ = (expected);                            \
    ::star::test::check(a_ == e_, #actual " == " #expected, __FILE__, __LINE__,       \
                        "(got " + a_.to_string() + ", want " + e_.to_string() + ")"); \
  } while (0)
#define CHECK_EQ(actual, expected)                                                            \
  do {                                                                                        \
    const auto a_ = (actual);                                                                 \
    const auto e_ = (expected);                                                               \
    ::star::test::check(a_ == e_, #actual " == " #expected, __FILE__, __LINE__,               \
                        "(got " + std::to_string(a_) + ", want " + std::to_string(e_) + ")"); \
  } while (0)
#define CHECK_THROWS(stmt, exc)                                                  \
  do {                                                                           \
    bool thrown_ = false;                                                        \
    try {                                                                        \
      stmt;                                                                      \
    } catch (const exc&) {                                                       \
      thrown_ = true;                                                            \
    }                                                                            \
    ::star::test::check(thrown_, #stmt " throws " #exc, __FILE__, __LINE__, ""); \
  } while (0)
