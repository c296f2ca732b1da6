// Bad input must be refused with std::invalid_argument naming the problem (tests/support).
//   throws_naming(f, word)  true when f() throws std::invalid_argument whose message contains
//                           word; otherwise prints what happened to stderr and returns false.
//                           Wrap it in the test's own check: CHECK(throws_naming([&] { ... }, "width")).
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

namespace star::test {

template <class F>
bool throws_naming(F&& f, const std::string& word) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).find(word) != std::string::npos) return true;
    std::fprintf(stderr, "message '%s' does not name '%s'\n", e.what(), word.c_str());
    return false;
  }
  std::fprintf(stderr, "no std::invalid_argument (expected one naming '%s')\n", word.c_str());
  return false;
}

}  // namespace star::test
