// The shipped tables load, cite their sources, match STAR-SPEC section 3, and bad tables fail
// with the file, line and key in the message.
#include <catch2/catch.hpp>
#include <fstream>
#include <stdexcept>
#include <string>

#include "energy/energy_tables.h"

using namespace star;

namespace {

// What a bad table's exception says (empty if it loaded).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

const char* kGoodDram = R"(technology: "HBM2"
dram: {power_w: 1.92, bandwidth_gb_per_s: 59.8, source: "SOFA"}
interface: {power_w: 0.53, bandwidth_gb_per_s: 59.8, source: "SOFA"}
background: {power_w: 0.0, source: "[design]"}
device_power_w: 3.40
device_source: "SOFA"
)";

}  // namespace

TEST_CASE("shipped tables load and every entry cites a source", "[energy][tables]") {
  const EnergyTables t = load_energy_tables();
  REQUIRE(t.block_power.blocks.size() == 6);
  REQUIRE(t.area.blocks.size() == 6);
  for (const auto& b : core_block_names()) {
    CHECK_FALSE(t.block_power.blocks.at(b).source.empty());
    CHECK_FALSE(t.area.blocks.at(b).source.empty());
    // Power and area must scale with the same notion of a unit.
    CHECK(t.block_power.blocks.at(b).reference_units == t.area.blocks.at(b).reference_units);
  }
  CHECK(t.block_power.technology_nm == 28);
  CHECK(t.actions.technology_nm == 45);
  CHECK(t.actions.default_actions.size() == op_count_field_names().size());
  for (const auto& [name, op] : t.actions.operations) CHECK_FALSE(op.source.empty());
  CHECK(t.actions.technology_scaling.at(28).factor == Approx(0.51));
  CHECK(t.actions.technology_scaling.at(7).factor == Approx(0.10));
  CHECK(t.actions.operations.at("fp32_mult").energy_pj == Approx(3.7));
  CHECK(t.actions.sram_read_64bit.size() == 3);
  CHECK(t.dram.dram.power_w == Approx(1.92));
  CHECK(t.dram.interface.power_w == Approx(0.53));
}

TEST_CASE("published block table values", "[energy][tables]") {
  const EnergyTables t = load_energy_tables();
  double mw = 0, mm2 = 0;
  for (const auto& b : core_block_names()) {
    mw += t.block_power.blocks.at(b).power_mw;
    mm2 += t.area.blocks.at(b).area_mm2;
  }
  CHECK(mw == Approx(949.85).margin(1e-9));
  CHECK(mm2 == Approx(5.694).margin(1e-9));
  CHECK(t.block_power.blocks.at("sufa").power_mw == 485.12);
  CHECK(t.area.blocks.at("sufa").area_mm2 == 3.012);
}

TEST_CASE("table errors name the file, line and key", "[energy][tables]") {
  SECTION("missing key") {
    const std::string bad = R"(technology: "HBM2"
dram: {power_w: 1.92, source: "SOFA"}
interface: {power_w: 0.53, bandwidth_gb_per_s: 59.8, source: "SOFA"}
background: {power_w: 0.0, source: "x"}
device_power_w: 3.40
device_source: "SOFA"
)";
    const std::string e = error_of([&] { parse_dram_table(bad, "dram.yaml"); });
    CHECK(e.find("dram.yaml:2:") != std::string::npos);
    CHECK(e.find("'dram.bandwidth_gb_per_s'") != std::string::npos);
    CHECK(e.find("missing") != std::string::npos);
  }
  SECTION("unknown key (a typo must not be ignored)") {
    std::string bad = kGoodDram;
    bad += "devce_power: 3\n";
    const std::string e = error_of([&] { parse_dram_table(bad, "d.yaml"); });
    CHECK(e.find("d.yaml:7:1") != std::string::npos);
    CHECK(e.find("'devce_power'") != std::string::npos);
    CHECK(e.find("unknown key") != std::string::npos);
  }
  SECTION("not a number") {
    std::string bad = kGoodDram;
    bad.replace(bad.find("1.92"), 4, "lots");
    const std::string e = error_of([&] { parse_dram_table(bad, "d.yaml"); });
    CHECK(e.find("'dram.power_w'") != std::string::npos);
    CHECK(e.find("expected a number") != std::string::npos);
    CHECK(e.find("d.yaml:2:") != std::string::npos);
  }
  SECTION("out of range") {
    std::string bad = kGoodDram;
    bad.replace(bad.find("1.92"), 4, "-1.0");
    const std::string e = error_of([&] { parse_dram_table(bad, "d.yaml"); });
    CHECK(e.find("'dram.power_w'") != std::string::npos);
    CHECK(e.find("out of range") != std::string::npos);
  }
  SECTION("syntax error carries a line") {
    const std::string e = error_of([] { parse_dram_table("a: [1, 2\nb: 3\n", "s.yaml"); });
    CHECK(e.find("s.yaml:") != std::string::npos);
    CHECK(e.find("syntax error") != std::string::npos);
  }
  SECTION("missing block") {
    const std::string bad = R"(technology_nm: 28
source: "x"
technology_scaling: {28: {factor: 1.0, source: "x"}}
blocks:
  dlzs: {area_mm2: 1, reference_units: 1, source: "x"}
)";
    const std::string e = error_of([&] { parse_area_table(bad, "a.yaml"); });
    CHECK(e.find("'blocks.sads'") != std::string::npos);
  }
  SECTION("idle fraction above 1") {
    std::string text;
    {
      const BlockPowerTable ok =
          load_block_power_table(default_energy_tables_dir() + "/block_power_28nm.yaml");
      CHECK(ok.blocks.at("sram").idle_fraction == 0.25);
    }
    text = "technology_nm: 28\nclock_ghz: 1\nsource: x\nblocks:\n";
    for (const auto& b : core_block_names())
      text += "  " + b + ": {power_mw: 1, reference_units: 1, unit: u, idle_fraction: " +
              (b == "kvgen" ? "1.5" : "0.1") + ", source: s}\n";
    const std::string e = error_of([&] { parse_block_power_table(text, "p.yaml"); });
    CHECK(e.find("p.yaml:7:") != std::string::npos);
    CHECK(e.find("'blocks.kvgen.idle_fraction'") != std::string::npos);
  }
  SECTION("action naming an unknown operation or field") {
    const std::string path = default_energy_tables_dir() + "/action_energy_horowitz45.yaml";
    const ActionEnergyTable ok = load_action_energy_table(path);
    std::string head = R"(technology_nm: 45
source: s
technology_scaling: {45: {factor: 1, source: s}}
operations: {int8_add: {energy_pj: 0.03, source: s}}
sram_read_64bit: [{capacity_kib: 8, energy_pj: 10, source: s}]
sram_buffers: {token: {capacity_kib: 192, source: s}}
actions:
  default:
)";
    std::string fields;
    for (const auto& f : op_count_field_names())
      fields += "    " + f + ": {ops: {int8_add: 1}, source: s}\n";
    CHECK_NOTHROW(parse_action_energy_table(head + fields, "x.yaml"));
    std::string e = error_of([&] {
      parse_action_energy_table(
          head + fields + "  sufa:\n    macs: {ops: {fp64_fma: 1}, source: s}\n", "x.yaml");
    });
    CHECK(e.find("'actions.sufa.macs.ops.fp64_fma'") != std::string::npos);
    CHECK(e.find("unknown operation") != std::string::npos);
    e = error_of([&] {
      parse_action_energy_table(head + fields + "  sufa:\n    flops: {ops: {}, source: s}\n",
                                "x.yaml");
    });
    CHECK(e.find("'actions.sufa.flops'") != std::string::npos);
    // A default mapping that forgets a field would price it at zero: rejected.
    std::string missing = fields.substr(fields.find('\n') + 1);
    e = error_of([&] { parse_action_energy_table(head + missing, "x.yaml"); });
    CHECK(e.find("'actions.default.lz_encodes'") != std::string::npos);
  }
  SECTION("line of a bad value in the shipped block-style file") {
    const std::string path = default_energy_tables_dir() + "/block_power_28nm.yaml";
    std::ifstream in(path);
    std::string text, line;
    int lineno = 0, target = 0;
    while (std::getline(in, line)) {
      ++lineno;
      if (line.find("power_mw: 485.12") != std::string::npos) {
        line.replace(line.find("485.12"), 6, "lots");
        target = lineno;
      }
      text += line + "\n";
    }
    REQUIRE(target > 0);
    const std::string e = error_of([&] { parse_block_power_table(text, "p.yaml"); });
    CHECK(e.find("p.yaml:" + std::to_string(target) + ":") != std::string::npos);
    CHECK(e.find("'blocks.sufa.power_mw'") != std::string::npos);
  }
  SECTION("duplicate key") {
    std::string bad = kGoodDram;
    bad += "device_power_w: 4.0\n";
    const std::string e = error_of([&] { parse_dram_table(bad, "d.yaml"); });
    CHECK(e.find("d.yaml:7:") != std::string::npos);
    CHECK(e.find("duplicate key") != std::string::npos);
  }
  SECTION("missing file") {
    const std::string e = error_of([] { load_dram_table("/nonexistent/dram.yaml"); });
    CHECK(e.find("/nonexistent/dram.yaml") != std::string::npos);
  }
}
