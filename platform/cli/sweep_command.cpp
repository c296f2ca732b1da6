// `sweep`: one star-sim process per point, at most N at once. Each point publishes its folder
// atomically (see run), so a folder that exists is a finished point: a re-run skips it when its
// resolved scenario is the same, and a killed sweep resumes without losing or repeating work.
// Children die with the sweep (PR_SET_PDEATHSIG), and leftovers of killed runs are removed first.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "commands.h"
#include "scenario/atomic_output.h"
#include "scenario/resolved_scenario.h"
#include "scenario/results_csv.h"
#include "scenario/sweep.h"

namespace star {

namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The resolved scenario without its comment lines (they name the version and command line).
std::string strip_comments(const std::string& yaml) {
  std::string out, line;
  std::istringstream in(yaml);
  while (std::getline(in, line))
    if (line.empty() || line[0] != '#') out += line + "\n";
  return out;
}

struct Job {
  SweepPoint point;
  std::string dir, expected_yaml;
  std::vector<std::string> args;
};

pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& log) {
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid > 0) return pid;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the sweep died before prctl took effect
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::close(fd);
  }
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(exe.c_str(), argv.data());
  ::_exit(127);
}

std::string cell(const CsvRow& r, const std::string& column) {
  for (std::size_t i = 0; i < r.header.size(); ++i)
    if (r.header[i] == column) return r.values[i];
  return "";
}

}  // namespace

int sweep_command(const CommandOptions& o, const std::string& self_exe) {
  Scenario base;
  std::vector<SweepPoint> points;
  std::string sweep_dir;
  unsigned workers = 0;
  std::vector<Job> jobs;
  try {
    base = load_scenario_file(o.scenario);
    for (const std::string& a : o.overrides) apply_override(base, a);
    points = expand_sweep(base);
    sweep_dir = o.output_dir.empty() ? resolve(base).output_dir : o.output_dir;
    workers = o.jobs ? o.jobs : base.sweep.workers;
    for (const SweepPoint& p : points) {
      Job j{p, sweep_dir + "/" + p.id(), "", {"star-sim", "run", o.scenario}};
      Scenario ps = base;
      for (const SweepOverride& ov : p.overrides) apply_override(ps, ov);
      apply_override(ps, SweepOverride{"outputs.dir", yaml_quoted(j.dir), {}});
      j.expected_yaml = strip_comments(resolved_yaml(resolve(ps), ""));
      for (const std::string& a : o.overrides) j.args.insert(j.args.end(), {"-s", a});
      for (const SweepOverride& ov : p.overrides) j.args.insert(j.args.end(), {"-s", ov.key + "=" + ov.value});
      j.args.insert(j.args.end(), {"-o", j.dir, "--quiet", "--sweep-point"});
      jobs.push_back(j);
    }
  } catch (const ScenarioError& e) {
    for (const ScenarioIssue& i : e.issues()) std::fprintf(stderr, "%s\n", i.text().c_str());
    std::fprintf(stderr, "star-sim: %zu error%s; no sweep point was run\n", e.issues().size(),
                 e.issues().size() == 1 ? "" : "s");
    return 2;
  }
  if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
  fs::create_directories(sweep_dir + "/logs");
  const int removed = remove_partial_outputs(sweep_dir);
  if (removed) std::fprintf(stderr, "sweep: removed %d unfinished output(s) of an interrupted run\n", removed);

  std::vector<std::size_t> todo;
  std::size_t skipped = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const std::string have = sweep_dir + "/" + jobs[i].point.id() + "/scenario.yaml";
    if (fs::exists(have) && strip_comments(read_file(have)) == jobs[i].expected_yaml) ++skipped;
    else todo.push_back(i);
  }
  std::fprintf(stderr, "sweep: %zu points, %zu already done, %zu to run with %u worker%s -> %s/\n",
               jobs.size(), skipped, todo.size(), workers, workers == 1 ? "" : "s", sweep_dir.c_str());

  const auto t0 = std::chrono::steady_clock::now();
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0, finished = 0;
  std::vector<std::string> failures;
  while (next < todo.size() || !running.empty()) {
    while (next < todo.size() && running.size() < workers) {
      const Job& j = jobs[todo[next]];
      running[spawn(self_exe, j.args, sweep_dir + "/logs/" + j.point.id() + ".log")] = todo[next];
      ++next;
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) break;
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const Job& j = jobs[it->second];
    running.erase(it);
    ++finished;
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok) failures.push_back(j.point.id() + " (" + j.point.label() + "): see " + sweep_dir + "/logs/" + j.point.id() + ".log");
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double eta = wall / finished * (todo.size() - finished);
    std::fprintf(stderr, "sweep: [%zu/%zu] %s %s %s (wall %.1f s, ETA %.0f s)\n", finished, todo.size(),
                 j.point.id().c_str(), ok ? "done" : "FAILED", j.point.label().c_str(), wall, eta);
  }

  // Aggregate every finished point, in point order, into results.csv (atomically).
  std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, CsvRow>> rows;
  std::string table = fmt::format("{:<6} {:>14} {:>14} {:>12}  {}\n", "point", "latency us",
                                  "energy uJ", "eff. GOPS", "changes");
  for (const Job& j : jobs) {
    const std::string csv = j.dir + "/results.csv";
    if (!fs::exists(csv)) continue;
    const CsvRow r = parse_one_row_csv(read_file(csv));
    rows.push_back({{{"point", j.point.id()}, {"sweep.changes", j.point.label()}}, r});
    auto number = [&](const std::string& c) {
      const std::string t = cell(r, c);
      return t.empty() ? 0.0 : std::stod(t);
    };
    table += fmt::format("{:<6} {:>14.3f} {:>14.3f} {:>12.0f}  {}\n", j.point.id(),
                         number("batch.latency_ns") / 1e3, number("batch.device_energy_j") * 1e6,
                         number("run.effective_gops"), j.point.label());
  }
  if (!rows.empty()) write_file_atomic(sweep_dir + "/results.csv", aggregate_csv(rows));
  if (!o.quiet) {
    std::fputs(table.c_str(), stdout);
    std::printf("results: %s/results.csv (%zu of %zu points)\n", sweep_dir.c_str(), rows.size(), jobs.size());
  }
  for (const std::string& f : failures) std::fprintf(stderr, "sweep: failed: %s\n", f.c_str());
  return failures.empty() && rows.size() == jobs.size() ? 0 : 1;
}

}  // namespace star
