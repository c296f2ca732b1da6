// In-memory form of the STAR register map (sw/regmap/star_regs.yaml): registers with fields,
// enumerations, and the job descriptor layout. The loader validates everything a generator would
// otherwise silently get wrong (overlaps, widths, reset values, unknown names) and throws
// std::invalid_argument as "<file>:<line>:<column>: <problem>" so the YAML line is named.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace star::regmap {

enum class Access { ro, rw, w1c, wo };
const char* to_string(Access access);  // "RO", "RW", "W1C", "WO"

struct EnumValue {
  std::string name;
  std::uint32_t value = 0;
  std::string description;
};

struct EnumType {
  std::string name;  // lower_snake, e.g. error_code
  std::string description;
  std::vector<EnumValue> values;
  const EnumValue* find(std::uint32_t value) const;
};

struct Field {
  std::string name;
  unsigned lsb = 0;
  unsigned width = 1;
  std::uint32_t reset = 0;
  bool pulse = false;        // command bit: write 1 triggers, reads 0
  std::string enum_name;     // empty: plain number
  std::string description;
  std::uint32_t mask() const { return width >= 32 ? 0xFFFFFFFFu : ((1u << width) - 1u) << lsb; }
};

struct Register {
  std::string name;
  std::uint32_t offset = 0;
  Access access = Access::rw;
  std::uint32_t reset = 0;     // whole register (from the fields when there are fields)
  std::string description;
  std::vector<Field> fields;   // empty: one 32-bit value
  std::uint32_t defined_mask() const;  // bits covered by fields (all bits when no fields)
  std::uint32_t pulse_mask() const;
};

enum class FieldType { u8, u16, u32, u64, i32, f32 };
const char* to_string(FieldType type);
unsigned byte_width(FieldType type);

struct DescriptorField {
  std::string name;  // lower_snake, used as the C struct member
  std::uint32_t offset = 0;
  FieldType type = FieldType::u32;
  std::string enum_name;
  std::string description;
  std::vector<Field> bit_fields;  // optional sub-fields of an integer field
};

struct Descriptor {
  std::string name;  // e.g. job_desc
  std::uint32_t size = 0;
  std::uint32_t align = 0;
  std::vector<DescriptorField> fields;
};

struct RegisterMap {
  std::string block;  // lower case, e.g. star; C names use the upper-case prefix
  std::uint32_t block_bytes = 0;
  std::string overview;  // Markdown for the documentation page (programming model, errors)
  std::vector<EnumType> enums;
  std::vector<Register> registers;  // sorted by offset
  Descriptor descriptor;
  const EnumType* find_enum(const std::string& name) const;
};

// Parses and validates `path`; throws std::invalid_argument naming file, line and column.
RegisterMap load_register_map(const std::string& path);
// Same for YAML text; `source_name` stands for the file in messages.
RegisterMap parse_register_map(const std::string& yaml_text, const std::string& source_name);

}  // namespace star::regmap
