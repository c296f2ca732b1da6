// Calibrated power, action counts, SRAM, DRAM and area against hand-computed values.
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>

#include "energy/area_model.h"
#include "energy/energy_model.h"

using namespace star;

namespace {
const EnergyTables& tables() {
  static const EnergyTables t = load_energy_tables();
  return t;
}
CoreParameters at(double node_nm, double clock_ghz) {
  CoreParameters p;
  p.technology_nm = node_nm;
  p.clock_ghz = clock_ghz;
  return p;
}
}  // namespace

TEST_CASE("defaults: 949.85 mW at full activity, 5.69 mm2", "[energy][model]") {
  const EnergyModel e(tables());
  const AreaModel a(tables().area);
  CHECK(e.total_active_power_w() == Approx(0.94985).epsilon(1e-12));
  CHECK(e.active_power_w("sufa") == Approx(0.48512));
  CHECK(e.idle_power_w("sufa") == Approx(0.048512));
  CHECK(e.idle_power_w("sram") == Approx(0.25 * 0.17023));
  CHECK(a.core_area_mm2() == Approx(5.69).margin(0.005));
  CHECK(a.block_area_mm2("dlzs") == Approx(0.351));
}

TEST_CASE("calibrated energy of a hand-computed case", "[energy][model]") {
  const EnergyModel e(tables());
  // SU-FA busy 0.5 ms of 1 ms: 485.12 mW * 0.5 ms + 48.512 mW * 0.5 ms = 0.266816 mJ.
  CHECK(e.calibrated_energy_j("sufa", 0.5e-3, 1e-3) == Approx(0.266816e-3).epsilon(1e-12));
  // Controller idle the whole time: half of 6.45 mW for 2 ms.
  CHECK(e.calibrated_energy_j("controller", 0.0, 2e-3) == Approx(6.45e-3 * 0.5 * 2e-3));
  CHECK_THROWS_AS(e.calibrated_energy_j("sufa", 2e-3, 1e-3), std::invalid_argument);
  // A rounding overshoot of the busy time is clamped, not an error and not negative idle time.
  CHECK(e.calibrated_energy_j("sufa", 1e-3 * (1 + 1e-12), 1e-3) == Approx(0.48512e-3));
  CHECK_THROWS_AS(e.calibrated_energy_j("sufa", -1.0, 1e-3), std::invalid_argument);
  CHECK_THROWS_AS(e.calibrated_energy_j("gpu", 0.0, 1e-3), std::invalid_argument);
}

TEST_CASE("action energies at 28 nm", "[energy][model]") {
  const EnergyModel e(tables());
  // SU-FA MAC = fp16 mult + fp32 add = (1.1 + 0.9) pJ * 0.51.
  CHECK(e.action_energy_pj("sufa", "macs") == Approx(2.0 * 0.51));
  // K/V generation MAC = int16 mult (0.8) + int32 add (0.1), 16-bit fixed point.
  CHECK(e.action_energy_pj("kvgen", "macs") == Approx(0.9 * 0.51));
  // exp = 4 fp16 mult + 4 fp16 add.
  CHECK(e.action_energy_pj("sufa", "exps") == Approx((4 * 1.1 + 4 * 0.4) * 0.51));
  CHECK(e.action_energy_pj("sads", "sort_steps") == 0.0);
  OpCounts c;
  c.macs = 1000;
  c.exps = 10;
  c.divisions = 2;
  const double pj = 1000 * 2.0 + 10 * 6.0 + 2 * 5 * 3.7;
  CHECK(e.counts_energy_j("sufa", c) == Approx(pj * 0.51 * 1e-12));
  OpCounts d;
  d.shifts = 100;
  d.adds = 100;
  d.lz_encodes = 7;
  CHECK(e.counts_energy_j("dlzs", d) == Approx((100 * 0.05 + 100 * 0.1 + 7 * 0.03) * 0.51e-12));
  CHECK(e.counts_energy_j("dlzs", OpCounts{}) == 0.0);
  CHECK_THROWS_AS(e.action_energy_pj("dlzs", "flops"), std::invalid_argument);
}

TEST_CASE("SRAM energy by capacity class and access rounding", "[energy][model]") {
  const EnergyModel e(tables());
  CHECK(e.sram_access_energy_pj(8) == Approx(10 * 0.51));
  CHECK(e.sram_access_energy_pj(32) == Approx(20 * 0.51));
  CHECK(e.sram_access_energy_pj(1024) == Approx(100 * 0.51));
  CHECK(e.sram_access_energy_pj(4) == Approx(10 * 0.51));      // below the smallest class
  CHECK(e.sram_access_energy_pj(4096) == Approx(100 * 0.51));  // above the largest
  // 192 KiB: log-log between 32 KiB (20 pJ) and 1 MiB (100 pJ).
  const double token = 20 * std::pow(5.0, std::log(6.0) / std::log(32.0));
  CHECK(e.sram_access_energy_pj(192) == Approx(token * 0.51));
  CHECK(token == Approx(45.96).margin(0.01));
  // 9 bytes read = 2 accesses, 8 bytes written = 1 access, in the 4 KiB DLZS output buffer.
  CHECK(e.sram_energy_j("dlzs_output", 9, 8) == Approx(3 * 10 * 0.51e-12));
  CHECK_THROWS_AS(e.sram_energy_j("l3", 8, 0), std::invalid_argument);
  CHECK_THROWS_AS(e.sram_access_energy_pj(0), std::invalid_argument);
}

TEST_CASE("DRAM and interface energy per byte calibrated to SOFA", "[energy][model]") {
  const EnergyModel e(tables());
  CHECK(e.dram_energy_per_byte_pj() == Approx(1.92 / 59.8e9 * 1e12));
  CHECK(e.dram_energy_per_byte_pj() / 8 == Approx(4.0).margin(0.05));  // about 4 pJ/bit
  CHECK(e.interface_energy_per_byte_pj() == Approx(0.53 / 59.8e9 * 1e12));
  // Streaming 59.8 GB for one second reproduces the published powers.
  CHECK(e.dram_energy_j(59'800'000'000ull) == Approx(1.92));
  CHECK(e.interface_energy_j(59'800'000'000ull) == Approx(0.53));
  CHECK(e.background_energy_j(1.0) == 0.0);
  EnergyTables t = tables();
  t.dram.background.power_w = 0.2;
  CHECK(EnergyModel(t).background_energy_j(0.5) == Approx(0.1));
}

TEST_CASE("scaling by units", "[energy][model]") {
  CoreParameters p;
  p.units["sads"] = 64;   // half of the 128 sort cores
  p.units["sram"] = 632;  // twice the 316 KiB
  const EnergyModel e(tables(), p);
  const AreaModel a(tables().area, p);
  const EnergyModel ref(tables());
  const AreaModel ref_a(tables().area);
  CHECK(e.active_power_w("sads") == Approx(ref.active_power_w("sads") / 2));
  CHECK(e.idle_power_w("sads") == Approx(ref.idle_power_w("sads") / 2));
  CHECK(a.block_area_mm2("sads") == Approx(0.679 / 2));
  CHECK(e.active_power_w("sram") == Approx(2 * 0.17023));
  CHECK(a.block_area_mm2("sram") == Approx(2 * 0.497));
  CHECK(e.active_power_w("sufa") == Approx(ref.active_power_w("sufa")));
  CHECK(a.core_area_mm2() == Approx(ref_a.core_area_mm2() - 0.679 / 2 + 0.497));
  // Action energies are per action: the number of units does not change them.
  CHECK(e.action_energy_pj("sads", "compares") == Approx(ref.action_energy_pj("sads", "compares")));

  CoreParameters bad;
  bad.units["sads"] = 0;
  CHECK_THROWS_AS(EnergyModel(tables(), bad), std::invalid_argument);
  CHECK_THROWS_AS(AreaModel(tables().area, bad), std::invalid_argument);
  bad.units.clear();
  bad.units["tpu"] = 4;
  CHECK_THROWS_WITH(EnergyModel(tables(), bad), Catch::Contains("'tpu'"));
}

TEST_CASE("technology and clock scaling", "[energy][model]") {
  CoreParameters p7;
  p7.technology_nm = 7;
  const EnergyModel e7(tables(), p7);
  const EnergyModel e28(tables());
  const EnergyModel e45(tables(), at(45, 1.0));
  CHECK(e45.action_energy_pj("sufa", "macs") == Approx(2.0));
  CHECK(e7.action_energy_pj("sufa", "macs") == Approx(0.2));
  CHECK(e7.technology_energy_factor() == Approx(0.10));
  // Calibrated power is published at 28 nm: 7 nm scales it by 0.10 / 0.51.
  CHECK(e7.total_active_power_w() == Approx(0.94985 * 0.10 / 0.51));
  CHECK(e45.total_active_power_w() == Approx(0.94985 / 0.51));
  CHECK(AreaModel(tables().area, p7).core_area_mm2() == Approx(5.694 / 16));
  // DRAM is off-chip: unchanged.
  CHECK(e7.dram_energy_per_byte_pj() == Approx(e28.dram_energy_per_byte_pj()));
  const EnergyModel fast(tables(), at(28, 2.0));
  CHECK(fast.total_active_power_w() == Approx(2 * 0.94985));

  CHECK_THROWS_WITH(EnergyModel(tables(), at(16, 1.0)),
                    Catch::Contains("16 nm") && Catch::Contains("28"));
  CHECK_THROWS_AS(AreaModel(tables().area, at(45, 1.0)), std::invalid_argument);
  CHECK_THROWS_AS(EnergyModel(tables(), at(28, 0.0)), std::invalid_argument);
}

TEST_CASE("SRAM buffer capacity override and per-block energy factor", "[energy][model]") {
  const EnergyModel ref(tables());
  CoreParameters p;
  p.sram_buffer_kib["token"] = 8;  // a token buffer shrunk to 8 KiB moves to the 10 pJ class
  p.block_energy_factor["dlzs"] = 0.8;
  const EnergyModel e(tables(), p);
  CHECK(e.sram_energy_j("token", 8, 0) == Approx(10 * 0.51e-12));
  CHECK(ref.sram_energy_j("token", 8, 0) == Approx(ref.sram_access_energy_pj(192) * 1e-12));
  CHECK(e.active_power_w("dlzs") == Approx(0.8 * 29.05e-3));
  CHECK(e.calibrated_energy_j("dlzs", 1.0, 1.0) == Approx(0.8 * 29.05e-3));
  OpCounts c;
  c.adds = 1000;
  CHECK(e.counts_energy_j("dlzs", c) == Approx(0.8 * ref.counts_energy_j("dlzs", c)));
  CHECK(e.counts_energy_j("kvgen", c) == Approx(ref.counts_energy_j("kvgen", c)));
  CHECK(e.active_power_w("sads") == Approx(ref.active_power_w("sads")));

  CoreParameters half_sram;
  half_sram.block_energy_factor["sram"] = 0.5;
  CHECK(EnergyModel(tables(), half_sram).sram_energy_j("temp", 64, 64) ==
        Approx(0.5 * ref.sram_energy_j("temp", 64, 64)));

  CoreParameters bad;
  bad.sram_buffer_kib["l2"] = 64;
  CHECK_THROWS_WITH(EnergyModel(tables(), bad), Catch::Contains("'l2'"));
  bad.sram_buffer_kib.clear();
  bad.block_energy_factor["dlzs"] = -1;
  CHECK_THROWS_AS(EnergyModel(tables(), bad), std::invalid_argument);
}

TEST_CASE("incomplete tables built in code are rejected", "[energy][model]") {
  EnergyTables t = tables();
  t.block_power.blocks.erase("sads");
  CHECK_THROWS_WITH(EnergyModel(t), Catch::Contains("'sads'"));
  t = tables();
  t.actions.default_actions.erase("exps");
  CHECK_THROWS_WITH(EnergyModel(t), Catch::Contains("'exps'"));
  t = tables();
  t.actions.block_actions["sufa"]["macs"].ops["fp8_mult"] = 1;
  CHECK_THROWS_WITH(EnergyModel(t), Catch::Contains("'fp8_mult'"));
}
