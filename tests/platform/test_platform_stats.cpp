// Statistics: registration rules, and the JSON / CSV / table reports of a short simulation with
// an HBM memory, each parsed back and compared with the values the modules hold.
#include <systemc>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "hbm_test_initiator.h"
#include "memory/hbm_memory.h"
#include "platform_test_support.h"
#include "stats/stats_registry.h"
#include "stats/stats_writers.h"

using namespace sc_core;
using star::StatsRegistry;

namespace {
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  return out;
}
std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

int sc_main(int, char*[]) {
  star::test::install_strict_reporting();

  // --- Registration rules.
  {
    StatsRegistry reg;
    star::Counter c;
    reg.add_counter("core.sufa.busy_cycles", c, "cycles", "cycles with work");
    CHECK_THROWS(reg.add_counter("core.sufa.busy_cycles", c, "cycles", "again"),
                 std::invalid_argument);
    CHECK_THROWS(reg.add_counter("busy_cycles", c, "cycles", "no module"), std::invalid_argument);
    CHECK_THROWS(reg.add_counter("core..busy", c, "cycles", "empty part"), std::invalid_argument);
    CHECK_THROWS(reg.add_counter("core.busy.", c, "cycles", "empty part"), std::invalid_argument);
    CHECK_THROWS(reg.add_counter("core.busy cycles", c, "cycles", "space"), std::invalid_argument);
    CHECK_THROWS(reg.add_counter("core.a,b", c, "cycles", "comma"), std::invalid_argument);
    CHECK_THROWS(reg.at("core.nothing"), std::out_of_range);
    CHECK(reg.at("core.sufa.busy_cycles").module() == "core.sufa");
    CHECK(reg.at("core.sufa.busy_cycles").stat() == "busy_cycles");
    // Column order does not depend on registration order.
    StatsRegistry a, b;
    a.add_counter("x.b", c, "1", ""), a.add_counter("x.a", c, "1", ""),
        a.add_counter("w.z", c, "1", "");
    b.add_counter("w.z", c, "1", ""), b.add_counter("x.a", c, "1", ""),
        b.add_counter("x.b", c, "1", "");
    CHECK(star::stats_csv_header(a) == star::stats_csv_header(b));
    CHECK(star::stats_csv_header(a) == "w.z,x.a,x.b");
  }

  // --- A short run with a memory, then the reports.
  star::HbmConfig cfg;
  cfg.channels = 4;
  star::HbmMemory hbm("hbm", cfg);
  star::test::HbmTestInitiator ini("ini");
  ini.socket.bind(hbm.socket);
  ini.body = [](star::test::HbmTestInitiator& self) {
    self.write(0, 1024);       // 256 B on each of 4 channels
    self.read(0, 512);         // ch0, ch1
    self.read(1ull << 40, 4);  // out of range: an error
    wait(sc_time(1, SC_US));
  };

  StatsRegistry reg;
  hbm.register_stats(reg);
  star::Counter busy;
  star::Average occupancy;
  star::HighWaterMark queue;
  reg.add_counter("core.sufa.busy_cycles", busy, "cycles", "cycles the SU-FA engine had work");
  reg.add_average("core.sads.mean_occupancy", occupancy, "entries", "mean FIFO occupancy");
  reg.add_high_water("core.sads.max_queue", queue, "entries", "deepest FIFO occupancy");
  star::Scalar clock;
  reg.add_scalar("core.clock_ghz", clock, "GHz", "core clock");
  reg.add_value(
      "core.utilisation", [&busy] { return busy.value() / 2000.0; }, "1",
      "busy cycles / elapsed cycles");

  star::test::run();
  busy += 1500;
  occupancy.sample(2), occupancy.sample(5);
  clock = 1.0;
  queue.sample(3), queue.sample(7), queue.sample(1);

  CHECK_EQ(hbm.reads(), 1ull);
  CHECK_EQ(hbm.writes(), 1ull);
  CHECK_EQ(hbm.errors(), 1ull);

  // JSON, through a file.
  const std::string json_path = "test_platform_stats.json";
  std::ostringstream js;
  star::write_stats_json(reg, js, {{"scenario", "stats-test"}});
  star::write_text_file(json_path, js.str());
  const auto j = nlohmann::json::parse(slurp(json_path));
  CHECK(j.at("run").at("scenario") == "stats-test");
  const auto& mods = j.at("modules");
  CHECK(mods.at("hbm").at("reads").at("value") == 1);
  CHECK(mods.at("hbm").at("errors").at("value") == 1);
  CHECK(mods.at("hbm").at("bytes_written").at("value") == 1024);
  CHECK(mods.at("hbm").at("bytes_read").at("value") == 512);
  CHECK(mods.at("hbm.ch00").at("bytes_read").at("value") == 256);
  CHECK(mods.at("hbm.ch02").at("bytes_read").at("value") == 0);
  CHECK(mods.at("hbm.ch02").at("bytes_written").at("unit") == "bytes");
  // ch0: 256 B written (32 cycles) + 256 B read (32 cycles) at 0.5 ns = 32 ns.
  CHECK(mods.at("hbm.ch00").at("busy_ns").at("value").get<double>() == 32.0);
  CHECK(mods.at("hbm.bandwidth").at("bytes").at("value") == 1536);
  // The run ends when the initiator's 1 us wait and the monitor's last window are over.
  const double end_ns = sc_time_stamp().to_seconds() * 1e9;
  CHECK_MSG(std::abs(mods.at("hbm.ch00").at("utilisation").at("value").get<double>() -
                     32.0 / end_ns) < 1e-12,
            "simulation ended at " + std::to_string(end_ns) + " ns");
  CHECK(mods.at("core.sufa").at("busy_cycles").at("value") == 1500);
  CHECK(mods.at("core.sufa").at("busy_cycles").at("unit") == "cycles");
  CHECK(mods.at("core.sufa").at("busy_cycles").at("description") ==
        "cycles the SU-FA engine had work");
  CHECK(mods.at("core.sads").at("mean_occupancy").at("value").get<double>() == 3.5);
  CHECK(mods.at("core.sads").at("max_queue").at("value").get<double>() == 7.0);
  CHECK(mods.at("core").at("utilisation").at("value").get<double>() == 0.75);
  CHECK(mods.at("core").at("clock_ghz").at("value").get<double>() == 1.0);
  CHECK(mods.at("core").at("clock_ghz").at("unit") == "GHz");
  std::size_t n_json = 0;
  for (const auto& m : mods) n_json += m.size();
  CHECK_EQ(n_json, reg.size());

  // CSV, through a file: header + one row, same width, values as sampled.
  const std::string csv_path = "test_platform_stats.csv";
  std::ostringstream cs;
  star::write_stats_csv(reg, cs);
  star::write_text_file(csv_path, cs.str());
  std::ifstream csv(csv_path);
  std::string header, row, extra;
  std::getline(csv, header);
  std::getline(csv, row);
  CHECK(!std::getline(csv, extra) || extra.empty());
  const auto names = split_csv(header), values = split_csv(row);
  CHECK_EQ(names.size(), reg.size());
  CHECK_EQ(values.size(), names.size());
  CHECK(std::is_sorted(names.begin(), names.end()));
  for (std::size_t i = 0; i < std::min(names.size(), values.size()); ++i)
    CHECK_MSG(std::stod(values[i]) == reg.sample_as_double(names[i]), names[i] + " = " + values[i]);
  const auto col = std::find(names.begin(), names.end(), "hbm.ch01.bytes_read") - names.begin();
  CHECK(col < static_cast<long>(values.size()) && values[col] == "256");
  // Double-valued stats round-trip exactly through the text.
  const auto ucol =
      std::find(names.begin(), names.end(), "hbm.bandwidth.mean_utilisation") - names.begin();
  CHECK(ucol < static_cast<long>(values.size()) &&
        std::stod(values[ucol]) == reg.sample_as_double("hbm.bandwidth.mean_utilisation"));

  // The human table names every statistic with its unit.
  std::ostringstream table;
  star::write_stats_table(reg, table);
  std::cout << table.str();
  CHECK(table.str().find("core.sufa.busy_cycles") != std::string::npos);
  CHECK(table.str().find("1500  cycles") != std::string::npos);

  return star::test::finish();
}
