#include "mesh/mesh_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "energy/area_model.h"
#include "energy/energy_model.h"
#include "energy/energy_report.h"
#include "energy/energy_tables.h"
#include "noc/mesh_topology.h"
#include "report/core_report.h"
#include "stats/stats_registry.h"
#include "stats/stats_writers.h"

namespace star {

namespace {

// One core's energy over the run: its stages busy for what they did, the controller and SRAM for
// its jobs' time, every block idle for the rest of the makespan. DRAM is counted at the
// controllers, not here.
double core_energy_j(const StarCore& core, const CoreActivity& act, double busy_s, double makespan_s,
                     const EnergyModel& energy, const AreaModel& area) {
  RunActivity run;
  run.elapsed_s = makespan_s;
  const double period = core.config().period_ns() * 1e-9;
  const char* names[] = {"dlzs", "sads", "kvgen", "sufa"};
  for (std::size_t i = 0; i < act.stage_busy_cycles.size() && i < 4; ++i)
    run.blocks[names[i]] = BlockActivity{std::min(makespan_s, act.stage_busy_cycles[i] * period), act.stage_ops[i]};
  run.blocks["controller"] = BlockActivity{std::min(makespan_s, busy_s), {}};
  run.blocks["sram"] = BlockActivity{std::min(makespan_s, busy_s), {}};
  return make_energy_report(run, energy, area).core_energy_j;
}

}  // namespace

MeshSummary summarise(const SpatialStar& mesh, const CoreJob& job, const MeshRunResult& run) {
  MeshSummary s;
  s.makespan_s = run.makespan.to_seconds();
  double busy_sum = 0, busy_max = 0;
  for (const sc_core::sc_time& b : run.core_busy) {
    s.core_utilisation.push_back(s.makespan_s > 0 ? b.to_seconds() / s.makespan_s : 0);
    busy_sum += b.to_seconds();
    busy_max = std::max(busy_max, b.to_seconds());
  }
  for (std::uint32_t n : run.core_jobs) s.active_cores += n > 0;
  const double n = static_cast<double>(run.core_busy.size());
  s.mean_utilisation = s.makespan_s > 0 ? busy_sum / n / s.makespan_s : 0;
  s.imbalance = busy_sum > 0 ? busy_max / (busy_sum / n) : 0;

  const NocConfig& noc = mesh.fabric.config();
  s.packets = run.noc.packets_delivered;
  s.flits = run.noc.flits_delivered;
  for (const NocFabric::MessageLatency& m : run.noc_messages) {
    s.class_messages.push_back(m.messages);
    s.class_latency_cycles.push_back(m.mean_cycles());
  }
  const auto cycles = static_cast<std::uint64_t>(s.makespan_s * noc.clock_ghz * 1e9);
  const MeshTopology topo = noc.mesh();
  const LinkUtilisation u = link_utilisation(run.noc, noc.nodes(), cycles, topo);
  s.mean_link_utilisation = u.mean;
  s.hot_link_utilisation = u.max;
  s.hot_link_x = topo.x_of(u.max_node);
  s.hot_link_y = topo.y_of(u.max_node);
  static const char* const ports[] = {"local", "east", "west", "north", "south"};
  s.hot_link_port = ports[u.max_port < kNocPorts ? u.max_port : 0];
  s.noc_energy_j = noc_energy(run.noc.energy, noc).total_pj() * 1e-12;

  std::uint64_t dram_bytes = 0;
  for (std::size_t m = 0; m < run.controller_bytes_read.size(); ++m) {
    s.controller_bytes.push_back(run.controller_bytes_read[m] + run.controller_bytes_written[m]);
    dram_bytes += s.controller_bytes.back();
  }
  if (s.makespan_s > 0) {
    s.tokens_per_s = job.queries() / s.makespan_s;
    s.gops = executed_operations(run.ops) / s.makespan_s / 1e9;
    s.effective_gops = job.heads * dense_attention_ops(job.queries(), job.seq_len, job.head_dim, job.algo.causal) /
                       s.makespan_s / 1e9;
    const EnergyTables tables = load_energy_tables();
    const CoreParameters params = core_parameters(mesh.config().core);
    const EnergyModel energy(tables, params);
    const AreaModel area(tables.area, params);
    for (std::uint32_t c = 0; c < run.core_activity.size(); ++c) {
      s.core_energy_j.push_back(
          core_energy_j(mesh.core(c), run.core_activity[c], run.core_busy[c].to_seconds(), s.makespan_s, energy, area));
      s.cores_energy_j += s.core_energy_j.back();
    }
    s.dram_energy_j = energy.dram_energy_j(dram_bytes) + energy.interface_energy_j(dram_bytes) +
                      mesh.controllers() * energy.background_energy_j(s.makespan_s);
  }
  s.device_energy_j = s.cores_energy_j + s.noc_energy_j + s.dram_energy_j;
  return s;
}

std::string to_text(const MeshSummary& s) {
  std::string out;
  out += fmt::format("  makespan {:.3f} us, {:.0f} tokens/s, {:.1f} GOPS executed, {:.1f} GOPS effective\n",
                     s.makespan_s * 1e6, s.tokens_per_s, s.gops, s.effective_gops);
  out += fmt::format("  core utilisation mean {:.1f} % ({} of {} cores active), imbalance (max/mean busy) {:.3f}\n",
                     100 * s.mean_utilisation, s.active_cores, s.core_utilisation.size(), s.imbalance);
  out += fmt::format("  NoC {} packets, {} flits, links mean {:.4f} max {:.4f} flits/cycle (router {},{} {})\n",
                     s.packets, s.flits, s.mean_link_utilisation, s.hot_link_utilisation, s.hot_link_x,
                     s.hot_link_y, s.hot_link_port);
  if (s.class_messages.size() >= 2)
    out += fmt::format("  NoC messages: {} requests and writes, mean {:.1f} cycles; {} responses and core-to-core, mean {:.1f} cycles\n",
                       s.class_messages[0], s.class_latency_cycles[0], s.class_messages[1], s.class_latency_cycles[1]);
  out += "  DRAM bytes per controller:";
  for (std::uint64_t b : s.controller_bytes) out += " " + std::to_string(b);
  out += "\n";
  out += fmt::format("  energy {:.4g} uJ: cores {:.4g}, NoC {:.4g}, DRAM {:.4g}\n", s.device_energy_j * 1e6,
                     s.cores_energy_j * 1e6, s.noc_energy_j * 1e6, s.dram_energy_j * 1e6);
  return out;
}

MeshReport make_mesh_report(const std::vector<MeshRunEntry>& runs) {
  if (runs.empty()) throw std::invalid_argument("make_mesh_report: no runs");
  std::set<std::string> labels;
  const MeshSummary* baseline = nullptr;
  const MeshSummary* one_core = nullptr;
  for (const MeshRunEntry& r : runs) {
    if (!labels.insert(r.label).second)
      throw std::invalid_argument("make_mesh_report: run '" + r.label + "' given twice");
    if (r.label == "baseline") baseline = &r.summary;
    if (r.label == "one_core") one_core = &r.summary;
  }
  StatsRegistry reg;
  auto add_run = [&](const std::string& p, const MeshSummary& s) {
    reg.add_value(p + "makespan_ns", [v = s.makespan_s] { return v * 1e9; }, "ns", "first core start to last core done");
    reg.add_value(p + "tokens_per_s", [v = s.tokens_per_s] { return v; }, "tokens/s", "query tokens of the layer per second");
    reg.add_value(p + "physical_gops", [v = s.gops] { return v; }, "GOPS", "operations executed per second, all cores");
    reg.add_value(p + "effective_gops", [v = s.effective_gops] { return v; }, "GOPS",
                  "dense-equivalent attention operations of the layer per second");
    reg.add_integer(p + "active_cores", [v = s.active_cores] { return v; }, "cores", "cores that ran at least one job");
    reg.add_value(p + "mean_utilisation", [v = s.mean_utilisation] { return v; }, "1", "mean over all cores of busy / makespan");
    reg.add_value(p + "imbalance", [v = s.imbalance] { return v; }, "1", "max busy / mean busy over all cores (1: balanced)");
    for (std::size_t c = 0; c < s.core_utilisation.size(); ++c)
      reg.add_value(fmt::format("{}core_{}.utilisation", p, c), [v = s.core_utilisation[c]] { return v; }, "1",
                    "busy / makespan of this core");
    reg.add_integer(p + "noc_packets", [v = s.packets] { return v; }, "packets", "NoC packets delivered");
    reg.add_integer(p + "noc_flits", [v = s.flits] { return v; }, "flits", "NoC flits delivered");
    static const char* const class_names[] = {"requests and writes", "responses and messages between cores"};
    for (std::size_t c = 0; c < s.class_messages.size() && c < 2; ++c) {
      reg.add_integer(fmt::format("{}noc_class{}_messages", p, c), [v = s.class_messages[c]] { return v; }, "messages",
                      fmt::format("NoC messages in VC class {} ({})", c, class_names[c]));
      reg.add_value(fmt::format("{}noc_class{}_latency", p, c), [v = s.class_latency_cycles[c]] { return v; },
                    "NoC cycles",
                    fmt::format("mean latency of the class {} messages, creation to reassembly (0: none)", c));
    }
    reg.add_value(p + "mean_link_load", [v = s.mean_link_utilisation] { return v; }, "flits/cycle",
                  "mean over the mesh's links of flits per NoC cycle");
    reg.add_value(p + "hot_link_load", [v = s.hot_link_utilisation] { return v; }, "flits/cycle",
                  "flits per NoC cycle of the busiest link");
    reg.add_integer(p + "hot_link_router_x", [v = s.hot_link_x] { return v; }, "1",
                    "NoC column of the busiest link's router (0: west controllers)");
    reg.add_integer(p + "hot_link_router_y", [v = s.hot_link_y] { return v; }, "1", "NoC row of the busiest link's router");
    std::uint64_t total = 0;
    for (std::size_t m = 0; m < s.controller_bytes.size(); ++m) {
      total += s.controller_bytes[m];
      reg.add_integer(fmt::format("{}mc_{}.dram_bytes", p, m), [v = s.controller_bytes[m]] { return v; }, "bytes",
                      "DRAM bytes read and written at this memory controller");
    }
    reg.add_integer(p + "dram_bytes", [total] { return total; }, "bytes", "DRAM bytes read and written, all controllers");
    reg.add_value(p + "cores_energy_j", [v = s.cores_energy_j] { return v; }, "J",
                  "energy of all cores (single-core energy model per core, calibrated power)");
    reg.add_value(p + "noc_energy_j", [v = s.noc_energy_j] { return v; }, "J", "NoC energy (buffers, crossbars, links)");
    reg.add_value(p + "dram_energy_j", [v = s.dram_energy_j] { return v; }, "J",
                  "DRAM and memory-interface energy per byte plus background of every controller");
    reg.add_value(p + "device_energy_j", [v = s.device_energy_j] { return v; }, "J", "cores + NoC + DRAM energy");
    if (baseline && s.makespan_s > 0)
      reg.add_value(p + "speedup_over_baseline", [v = baseline->makespan_s / s.makespan_s] { return v; }, "x",
                    "makespan of baseline / makespan of this run");
    if (one_core && s.makespan_s > 0)
      reg.add_value(p + "speedup_over_one_core", [v = one_core->makespan_s / s.makespan_s] { return v; }, "x",
                    "makespan on one core / makespan of this run");
  };
  add_run("mesh.", runs.front().summary);
  for (const MeshRunEntry& r : runs) add_run("mesh." + r.label + ".", r.summary);

  MeshReport out;
  out.json = stats_to_json(reg);
  out.json["mesh_runs"] = nlohmann::json::array();
  for (const MeshRunEntry& r : runs)
    out.json["mesh_runs"].push_back({{"label", r.label}, {"hot_link_port", r.summary.hot_link_port}});
  out.csv_header = stats_csv_header(reg);
  out.csv_row = stats_csv_row(reg);
  for (const MeshRunEntry& r : runs) {
    out.table += r.label + ":\n" + to_text(r.summary);
    std::string speedups;
    if (baseline && r.summary.makespan_s > 0 && &r.summary != baseline)
      speedups += fmt::format(" {:.2f}x over baseline", baseline->makespan_s / r.summary.makespan_s);
    if (one_core && r.summary.makespan_s > 0 && &r.summary != one_core)
      speedups += fmt::format(" {:.2f}x over one core", one_core->makespan_s / r.summary.makespan_s);
    if (!speedups.empty()) out.table += "  speedup:" + speedups + "\n";
  }
  return out;
}

}  // namespace star
