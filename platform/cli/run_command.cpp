// `run` and `validate`.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "job_runner.h"
#include "scenario/atomic_output.h"
#include "scenario/resolved_scenario.h"
#include "scenario/sweep.h"

namespace star {

namespace {

Scenario load_with_overrides(const CommandOptions& o) {
  Scenario s = load_scenario_file(o.scenario);
  std::vector<ScenarioIssue> issues;
  for (const std::string& a : o.overrides) {
    try {
      apply_override(s, a);
    } catch (const ScenarioError& e) {
      issues.insert(issues.end(), e.issues().begin(), e.issues().end());
    }
  }
  if (!issues.empty()) throw ScenarioError(issues);
  return s;
}

void print_issues(const ScenarioError& e) {
  for (const ScenarioIssue& i : e.issues()) std::fprintf(stderr, "%s\n", i.text().c_str());
  std::fprintf(stderr, "star-sim: %zu error%s; nothing was run or written\n", e.issues().size(),
               e.issues().size() == 1 ? "" : "s");
}

}  // namespace

int validate_command(const CommandOptions& o) {
  try {
    const Scenario s = load_with_overrides(o);
    const ResolvedScenario r = resolve(s);
    const std::size_t points = s.sweep.present ? expand_sweep(s).size() : 1;
    std::printf("%s: valid (%s mode, %s, S = %u, %u heads, key tile %u%s)%s\n", o.scenario.c_str(),
                to_string(r.mode), r.at("workload.model").text.c_str(), r.job.seq_len, r.job.heads,
                r.job.tiling().tile_keys,
                r.batch_auto ? fmt::format(", {} key tiles per macro cell (auto)", r.perf.batch_tiles).c_str() : "",
                s.sweep.present ? fmt::format("; sweep of {} points", points).c_str() : "");
    return 0;
  } catch (const ScenarioError& e) {
    print_issues(e);
    return 2;
  }
}

int run_command(const CommandOptions& o) {
  Scenario s;
  ResolvedScenario r;
  try {
    s = load_with_overrides(o);
    if (!o.output_dir.empty()) {
      SweepOverride dir{"outputs.dir", yaml_quoted(o.output_dir), {"-o " + o.output_dir, 0, 0}};
      apply_override(s, dir);
    }
    r = resolve(s);
    // A sweep's points are checked too, so a file with an error anywhere is refused.
    if (s.sweep.present && !o.sweep_point) {
      expand_sweep(s);
      if (!o.quiet)
        std::fprintf(stderr, "star-sim: running the base scenario only; `star-sim sweep` runs its sweep points\n");
    }
  } catch (const ScenarioError& e) {
    print_issues(e);
    return 2;
  }
  const std::string version = star_sim_version();
  // Everything is written into a staging folder published in one rename at the end: a killed
  // run leaves only a *.partial-<pid> folder, never one that looks complete.
  StagingDirectory out(r.output_dir);
  RunOutputs res;
  try {
    res = run_scenario(r, out.path() + "/trace.vcd", o.quiet ? -1.0 : o.progress_after_s, version);
  } catch (const ScenarioError& e) {  // found while building the platform, before it ran
    print_issues(e);
    return 2;
  }
  const std::string header = fmt::format(
      "Resolved scenario (every default filled in) written by star-sim {}\nfrom {}{}", version,
      o.scenario, o.overrides.empty() ? "" : " with overrides:");
  std::string comment = header;
  for (const std::string& a : o.overrides) comment += "\n  -s " + a;
  write_file_atomic(out.path() + "/scenario.yaml", resolved_yaml(r, comment));
  write_file_atomic(out.path() + "/report.json", res.report.dump(2) + "\n");
  write_file_atomic(out.path() + "/results.csv", res.csv);
  write_file_atomic(out.path() + "/summary.txt", res.summary);
  write_file_atomic(out.path() + "/version.txt", "star-sim " + version + "\n");
  out.commit();
  if (!o.quiet) {
    std::fputs(res.summary.c_str(), stdout);
    std::printf("outputs: %s/ (scenario.yaml, report.json, results.csv, summary.txt, version.txt%s); wall %.2f s\n",
                r.output_dir.c_str(), r.trace.enabled ? ", trace.vcd" : "", res.wall_seconds);
  }
  return 0;
}

}  // namespace star
