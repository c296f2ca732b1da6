// The three outputs generated from one RegisterMap. `source` is the YAML path as it should appear
// in the "generated from" banner (relative, so outputs do not depend on the checkout location).
#pragma once

#include <string>

#include "regmap.h"

namespace star::regmap {

// Plain C99 header for drivers: offsets, field shifts/masks, reset values, enum values, the
// descriptor struct with compile-time size/offset checks, and an X-macro of descriptor fields.
std::string emit_c_header(const RegisterMap& map, const std::string& source);
// C++17 header with constexpr tables the SystemC register bank is driven by.
std::string emit_cpp_table(const RegisterMap& map, const std::string& source);
// docs/registers.md.
std::string emit_markdown(const RegisterMap& map, const std::string& source);

// Helpers shared by the emitters.
std::string upper(const std::string& s);
std::string hex(std::uint64_t value, int digits = 0);
std::string bits_text(const Field& f);  // "15:8" or "3"

}  // namespace star::regmap
