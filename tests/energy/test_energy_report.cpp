// EnergyReport: SOFA Table II's efficiencies reproduced from a made-up run computed by hand,
// stage sums, the action-count method, and bad activity.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "energy/energy_report.h"
#include "energy/energy_report_writer.h"

using namespace star;

namespace {
const EnergyTables& tables() {
  static const EnergyTables t = load_energy_tables();
  return t;
}
}  // namespace

TEST_CASE("dense-equivalent and executed operations", "[energy][report]") {
  CHECK(dense_attention_ops(2048, 2048, 128, false) == 4.0 * 2048 * 2048 * 128);
  CHECK(dense_attention_ops(2048, 2048, 128, true) == 2.0 * 2048 * 2048 * 128);
  CHECK(dense_attention_ops(128, 4096, 64, false) == 4.0 * 128 * 4096 * 64);
  OpCounts c;
  c.macs = 10;
  c.shifts = 3;
  c.adds = 4;
  c.compares = 5;
  c.exps = 6;
  c.multiplies = 7;
  c.divisions = 8;
  c.sort_steps = 100;
  c.lz_encodes = 100;
  c.zero_skips = 100;
  c.rescales = 100;
  CHECK(executed_operations(c) == 20 + 3 + 4 + 5 + 6 + 7 + 8);
}

TEST_CASE("SOFA Table II efficiencies from a made-up run computed by hand", "[energy][report]") {
  // Every block busy for the whole second, 59.8 GB moved, 24,423 G dense-equivalent operations:
  // core 0.94985 W -> 24423 / 0.94985 = 25,712.5 GOPS/W (SOFA: 25,708);
  // device 0.94985 + 1.92 + 0.53 = 3.39985 W -> 7,183.6 GOPS/W (SOFA: 7,183);
  // area 5.694 mm2 -> 4,289.3 GOPS/mm2 (SOFA: 4,292 with 5.69 mm2).
  const EnergyModel e(tables());
  const AreaModel a(tables().area);
  RunActivity run;
  run.elapsed_s = 1.0;
  for (const auto& b : core_block_names()) run.blocks[b].busy_s = 1.0;
  run.dram_bytes = 59'800'000'000ull;
  run.dense_equivalent_ops = 24423e9;
  run.executed_ops = 24423e9 * 0.2;  // a 20 % keep ratio, say
  const EnergyReport r = make_energy_report(run, e, a);
  CHECK(r.core_power_w == Approx(0.94985));
  CHECK(r.device_power_w == Approx(3.39985));
  CHECK(r.effective_gops == Approx(24423));
  CHECK(r.physical_gops == Approx(24423 * 0.2));
  CHECK(r.core_gops_per_w == Approx(24423 / 0.94985));
  CHECK(r.core_gops_per_w == Approx(25708).epsilon(0.001));
  CHECK(r.device_gops_per_w == Approx(24423 / 3.39985));
  CHECK(r.device_gops_per_w == Approx(7183).epsilon(0.001));
  CHECK(r.gops_per_mm2 == Approx(24423 / 5.694));
  CHECK(r.gops_per_mm2 == Approx(4292).epsilon(0.001));
  CHECK(r.physical_gops_per_w == Approx(24423 * 0.2 / 0.94985));
  CHECK(r.device_power_w == Approx(tables().dram.device_power_w).epsilon(0.001));
  for (const auto& b : r.blocks) CHECK(b.utilisation == 1.0);
}

TEST_CASE("per-block and per-stage energies add up", "[energy][report]") {
  const EnergyModel e(tables());
  const AreaModel a(tables().area);
  RunActivity run;
  run.elapsed_s = 1e-3;
  run.blocks["dlzs"].busy_s = 0.2e-3;
  run.blocks["kvgen"].busy_s = 0.4e-3;
  run.blocks["sufa"].busy_s = 0.5e-3;
  run.blocks["sufa"].ops.macs = 1000;
  run.blocks["dlzs"].ops.shifts = 50;
  run.blocks["dlzs"].ops.adds = 50;
  run.sram["token"] = {800, 0};
  run.dram_bytes = 1000;
  run.dense_equivalent_ops = 1e6;
  const EnergyReport r = make_energy_report(run, e, a);
  REQUIRE(r.blocks.size() == 6);
  CHECK(r.blocks[0].name == "dlzs");
  CHECK(r.blocks[0].utilisation == Approx(0.2));
  // Hand: dlzs 29.05 mW * 0.2 ms + 2.905 mW * 0.8 ms; kvgen and sufa likewise; sads, sram and
  // controller idle.
  const double dlzs = 29.05e-3 * 0.2e-3 + 2.905e-3 * 0.8e-3;
  const double formal = 146.21e-3 * 0.4e-3 + 14.621e-3 * 0.6e-3 + 0.266816e-3;
  const double idle = 11.279e-3 * 1e-3 + 0.25 * 170.23e-3 * 1e-3 + 0.5 * 6.45e-3 * 1e-3;
  CHECK(r.stage_energy_j.at("prediction") == Approx(dlzs));
  CHECK(r.stage_energy_j.at("formal") == Approx(formal));
  CHECK(r.core_energy_j == Approx(dlzs + formal + idle));
  CHECK(r.executed_ops == 2000 + 50 + 50);
  CHECK(r.physical_gops == Approx(2100 / 1e-3 / 1e9));
  CHECK(r.effective_gops == Approx(1e6 / 1e-3 / 1e9));
  CHECK(r.dram_energy_j == Approx(1000 * 1.92 / 59.8e9));
  CHECK(r.device_energy_j ==
        Approx(r.core_energy_j + r.dram_energy_j + r.interface_energy_j + r.background_energy_j));
  double stages = 0;
  for (const auto& [name, j] : r.stage_energy_j) stages += j;
  CHECK(stages == Approx(r.device_energy_j));

  // Action-count method: SU-FA 1000 MACs at 1.02 pJ, DLZS 50 shift-adds at 0.0765 pJ, 100 token
  // buffer reads at 45.96 pJ * 0.51.
  const EnergyReport ra = make_energy_report(run, e, a, EnergyMethod::action_counts);
  CHECK(ra.blocks[3].energy_j == Approx(1000 * 1.02e-12));
  CHECK(ra.blocks[0].energy_j == Approx(50 * 0.0765e-12));
  CHECK(ra.blocks[4].energy_j == Approx(100 * e.sram_access_energy_pj(192) * 1e-12));
  CHECK(ra.blocks[1].energy_j == 0.0);
  CHECK(ra.blocks[3].calibrated_j == Approx(r.blocks[3].calibrated_j));
  CHECK(std::string(to_string(ra.method)) == "action_counts");
}

TEST_CASE("bad activity is rejected", "[energy][report]") {
  const EnergyModel e(tables());
  const AreaModel a(tables().area);
  RunActivity run;
  CHECK_THROWS_AS(make_energy_report(run, e, a), std::invalid_argument);  // elapsed 0
  run.elapsed_s = 1e-3;
  run.blocks["gpu"].busy_s = 0;
  CHECK_THROWS_WITH(make_energy_report(run, e, a), Catch::Contains("'gpu'"));
  run.blocks.clear();
  run.blocks["sufa"].busy_s = 2e-3;
  CHECK_THROWS_WITH(make_energy_report(run, e, a), Catch::Contains("sufa"));
  run.blocks.clear();
  run.sram["l2"] = {8, 8};
  CHECK_THROWS_WITH(make_energy_report(run, e, a), Catch::Contains("'l2'"));
}

TEST_CASE("report as JSON and summary", "[energy][report]") {
  const EnergyModel e(tables());
  const AreaModel a(tables().area);
  RunActivity run;
  run.elapsed_s = 2.0;
  run.blocks["sufa"].busy_s = 1.0;
  run.dense_equivalent_ops = 4e12;
  const EnergyReport r = make_energy_report(run, e, a);
  const nlohmann::json j = energy_report_json(r);
  CHECK(j.at("method") == "calibrated_power");
  CHECK(j.at("blocks").at("sufa").at("utilisation").get<double>() == 0.5);
  CHECK(j.at("effective_gops").get<double>() == Approx(2000));
  CHECK(j.at("core_energy_j").get<double>() == Approx(r.core_energy_j));
  CHECK(j.at("stage_energy_j").at("formal").get<double>() == Approx(r.stage_energy_j.at("formal")));
  const std::string s = energy_report_summary(r);
  CHECK(s.find("sufa") != std::string::npos);
  CHECK(s.find("   50.0") != std::string::npos);
  CHECK(s.find("effective 2000 GOPS") != std::string::npos);
}
