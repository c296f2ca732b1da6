// Small harness for the driver-against-platform tests: non-throwing checks usable inside SC
// threads (DESIGN 5), a failure count returned from sc_main, and SystemC warnings as failures.
#pragma once

#include <systemc>

#include <cstdio>
#include <string>

#include "host/star_soc_host.h"

namespace star::test {

inline int& failures() {
  static int n = 0;
  return n;
}

#define HT_CHECK(cond)                                                          \
  do {                                                                          \
    if (!(cond)) {                                                              \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++::star::test::failures();                                               \
    }                                                                           \
  } while (0)

#define HT_CHECK_EQ(a, b)                                                        \
  do {                                                                           \
    const auto va_ = (a);                                                        \
    const auto vb_ = (b);                                                        \
    if (!(va_ == vb_)) {                                                         \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, \
                   #a, #b, (long long)va_, (long long)vb_);                      \
      ++::star::test::failures();                                                \
    }                                                                            \
  } while (0)

inline void warnings_fail() {
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DISPLAY | sc_core::SC_THROW);
}

// A small, functional SoC: 256 MiB of HBM.
inline SocConfig small_soc() {
  SocConfig cfg;
  cfg.memory.capacity_bytes = std::uint64_t{256} << 20;
  cfg.memory.mode = DataMode::functional;
  return cfg;
}

inline int finish(const char* name) {
  if (failures() == 0) std::printf("%s: all checks passed\n", name);
  else std::printf("%s: %d check(s) failed\n", name, failures());
  return failures() == 0 ? 0 : 1;
}

}  // namespace star::test
