// The register-map generator: the real map loads and its outputs say what the YAML says; each bad
// file in bad/ is refused with a message naming its file, line and problem.
#include <catch2/catch.hpp>

#include <string>

#include "regmap.h"
#include "regmap_emit.h"

using namespace star::regmap;

namespace {

std::string load_error(const std::string& file) {
  try {
    load_register_map(std::string(REGMAP_BAD_DIR) + "/" + file);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("bad register maps are refused naming the YAML line", "[regmap]") {
  struct Case {
    const char* file;
    int line;
    const char* problem;
  };
  const Case cases[] = {
      {"overlapping_offsets.yaml", 13, "register STATUS offset overlaps register CTRL (line 9)"},
      {"overlapping_fields.yaml", 10, "field B overlaps field A (line 9)"},
      {"field_exceeds_32_bits.yaml", 10, "bits '35:24' exceed 32 bits"},
      {"reset_too_wide.yaml", 9, "reset 4 does not fit its 2 bits"},
      {"unknown_access.yaml", 10, "unknown access type 'RC'"},
      {"unknown_key.yaml", 6, "unknown key 'ofset' in register"},
      {"descriptor_overlap.yaml", 14, "descriptor field b overlaps descriptor field a (line 13)"},
      {"unknown_enum.yaml", 13, "unknown enum 'eror_code'"},
      {"enum_value_too_wide.yaml", 18, "enum value HUGE does not fit u8"},
  };
  for (const Case& c : cases) {
    const std::string msg = load_error(c.file);
    INFO(c.file << ": " << msg);
    CHECK(msg.find(std::string(c.file) + ":" + std::to_string(c.line) + ":") != std::string::npos);
    CHECK(msg.find(c.problem) != std::string::npos);
  }
}

TEST_CASE("YAML syntax errors and missing files are reported, not crashed on", "[regmap]") {
  CHECK_THROWS_WITH(parse_register_map("block: [unclosed", "x.yaml"), Catch::Contains("x.yaml:"));
  CHECK_THROWS_WITH(load_register_map("/nonexistent/map.yaml"), Catch::Contains("cannot open"));
  CHECK_THROWS_WITH(parse_register_map("- 1\n- 2\n", "x.yaml"), Catch::Contains("mapping"));
}

TEST_CASE("the STAR map loads and the outputs carry its values", "[regmap]") {
  const RegisterMap map = load_register_map(REGMAP_YAML);
  REQUIRE(map.block == "star");
  const Register* ctrl = nullptr;
  for (const auto& r : map.registers)
    if (r.name == "CTRL") ctrl = &r;
  REQUIRE(ctrl);
  CHECK(ctrl->pulse_mask() == 0x1Eu);  // START, ABORT, SOFT_RESET, CLEAR_COUNTERS
  for (std::size_t i = 1; i < map.registers.size(); ++i)
    CHECK(map.registers[i - 1].offset < map.registers[i].offset);

  const std::string header = emit_c_header(map, "sw/regmap/star_regs.yaml");
  CHECK(header.find("#define STAR_REG_IRQ_STATUS 0x014u") != std::string::npos);
  CHECK(header.find("#define STAR_STATUS_ERROR_CODE_MASK 0x0000FF00u") != std::string::npos);
  CHECK(header.find("#define STAR_ERROR_CODE_BAD_SHAPE 8u") != std::string::npos);
  CHECK(header.find("STAR_STATIC_ASSERT(sizeof(star_job_desc_t) == STAR_JOB_DESC_SIZE") != std::string::npos);
  const std::string table = emit_cpp_table(map, "sw/regmap/star_regs.yaml");
  CHECK(table.find("{\"IRQ_STATUS\", 0x014, Access::w1c,") != std::string::npos);
  const std::string doc = emit_markdown(map, "sw/regmap/star_regs.yaml");
  CHECK(doc.find("| 0x014 | [IRQ_STATUS](#irq_status) | W1C |") != std::string::npos);
  CHECK(doc.find("| 8 | BAD_SHAPE |") != std::string::npos);
}

TEST_CASE("field and register helpers", "[regmap]") {
  Field f;
  f.lsb = 8;
  f.width = 8;
  CHECK(f.mask() == 0xFF00u);
  CHECK(bits_text(f) == "15:8");
  f.lsb = 0;
  f.width = 32;
  CHECK(f.mask() == 0xFFFFFFFFu);
  Register r;
  CHECK(r.defined_mask() == 0xFFFFFFFFu);
}
