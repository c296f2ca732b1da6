// The report of a run: every statistic with name, unit and description in the JSON, one CSV row
// matching its header, the energy figures consistent with the run (busy time within elapsed time,
// effective GOPS = dense operations / time), and a table on stdout.
#include <sstream>

#include "core_test_support.h"
#include "energy/energy_tables.h"
#include "report/core_report.h"

using namespace star;
using namespace star::test;

int sc_main(int, char*[]) {
  install_strict_reporting();
  const SocConfig cfg = soc_config(DataMode::performance);
  StarSoc soc("soc", cfg);
  StarAlgoConfig algo;
  algo.subsegments = 4;
  const QkvInputs in = generate_qkv(RowType::mixed, 512, 512, 64, 1);
  const CoreJob job = attention_job(quantize_qkv(in.q, in.k, in.v, 2, 2, 32), algo);
  soc.run(job);
  const EnergyTables tables = load_energy_tables();
  const CoreRunReport r = make_core_report(soc, job, EnergyModel(tables, core_parameters(cfg.core)),
                                           AreaModel(tables.area, core_parameters(cfg.core)));

  const auto& busy = r.json["modules"]["core.sufa"]["busy_cycles"];
  CHECK(busy["value"].get<std::uint64_t>() == soc.core.sufa.busy_cycles());
  CHECK(busy["unit"] == "cycles");
  CHECK(!busy["description"].get<std::string>().empty());
  CHECK(r.json["modules"]["core.fetcher"].contains("dram_read_bytes_predict"));
  CHECK(r.json["modules"]["core.dlzs"].contains("out_fifo_high_water"));
  CHECK(r.json["energy"].is_object());
  auto count = [](const std::string& line) { return std::count(line.begin(), line.end(), ','); };
  CHECK(!r.csv_header.empty() && count(r.csv_header) == count(r.csv_row));
  CHECK(r.csv_row.find('\n') == std::string::npos || r.csv_row.find('\n') == r.csv_row.size() - 1);

  const double elapsed = soc.core.job_time().to_seconds();
  CHECK(std::abs(r.energy.elapsed_s - elapsed) < 1e-12);
  const double dense = 2 * 4.0 * 512 * 512 * 32;  // two heads of 4 S^2 d
  CHECK(std::abs(r.energy.effective_gops - dense / elapsed / 1e9) < 1e-6 * r.energy.effective_gops);
  for (const BlockEnergy& b : r.energy.blocks) CHECK(b.busy_s <= elapsed * (1 + 1e-12));
  CHECK(r.energy.device_energy_j > r.energy.core_energy_j && r.energy.core_energy_j > 0);
  CHECK(r.table.find("sufa") != std::string::npos);
  std::fputs(r.table.c_str(), stdout);
  return finish();
}
