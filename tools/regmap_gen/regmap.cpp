// Small helpers of the register-map model.
#include "regmap.h"

namespace star::regmap {

const char* to_string(Access access) {
  switch (access) {
    case Access::ro: return "RO";
    case Access::rw: return "RW";
    case Access::w1c: return "W1C";
    case Access::wo: return "WO";
  }
  return "?";
}

const char* to_string(FieldType type) {
  switch (type) {
    case FieldType::u8: return "u8";
    case FieldType::u16: return "u16";
    case FieldType::u32: return "u32";
    case FieldType::u64: return "u64";
    case FieldType::i32: return "i32";
    case FieldType::f32: return "f32";
  }
  return "?";
}

unsigned byte_width(FieldType type) {
  switch (type) {
    case FieldType::u8: return 1;
    case FieldType::u16: return 2;
    case FieldType::u64: return 8;
    default: return 4;
  }
}

const EnumValue* EnumType::find(std::uint32_t value) const {
  for (const auto& v : values)
    if (v.value == value) return &v;
  return nullptr;
}

std::uint32_t Register::defined_mask() const {
  if (fields.empty()) return 0xFFFFFFFFu;
  std::uint32_t m = 0;
  for (const auto& f : fields) m |= f.mask();
  return m;
}

std::uint32_t Register::pulse_mask() const {
  std::uint32_t m = 0;
  for (const auto& f : fields)
    if (f.pulse) m |= f.mask();
  return m;
}

const EnumType* RegisterMap::find_enum(const std::string& name) const {
  for (const auto& e : enums)
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace star::regmap
