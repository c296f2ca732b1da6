// NoC benchmark (run by hand, not part of ctest). Prints Markdown tables:
//  1. speed: simulated cycles and flit-hops per wall second, flit vs packet fidelity, 4x4 and 8x8
//     meshes at low, medium and near-saturation uniform load, with the packet model's latency
//     error, measured side by side in one run;
//  2. latency-throughput tables for 4x4 and 8x8 with (a) 1-flit packets, 4 VCs x 8-flit buffers
//     and (b) 8-flit packets, 1 VC x 4-flit buffers, both fidelities, each point over several seeds
//     (--seeds N, default 8) with the spread of the latency and of the packet model's error.
// --no-body-bypass runs every table without NocConfig::body_flit_bypass (body flits wait R-2 cycles).
// "flit-hops" counts router traversals (a flit crossing h links traverses h+1 routers).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "noc/noc_model.h"
#include "noc/synthetic_traffic.h"

using namespace star;

namespace {

struct Setup {
  const char* name;
  uint32_t packet_flits, vcs, buffer;
};

bool body_bypass = true;  // --no-body-bypass: every run without NocConfig::body_flit_bypass
const char* routers() { return body_bypass ? "4-stage routers" : "4-stage routers without body-flit bypass"; }

NocConfig mesh_config(uint32_t k, const Setup& s, NocFidelity f) {
  NocConfig c;
  c.body_flit_bypass = body_bypass;
  c.width = k;
  c.height = k;
  c.num_vcs = s.vcs;
  c.vc_buffer_flits = s.buffer;
  c.fidelity = f;
  return c;
}

TrafficResult run(uint32_t k, const Setup& s, NocFidelity f, double rate, uint64_t warmup, uint64_t measure,
                  bool detail = false, uint64_t seed = 1) {
  TrafficConfig t;
  t.seed = seed;
  t.injection_rate = rate;
  t.packet_flits = s.packet_flits;
  t.warmup_cycles = warmup;
  t.measure_cycles = measure;
  t.drain_limit_cycles = 4 * measure;
  NocConfig c = mesh_config(k, s, f);
  // The packet model's finer variant: router detail with several VCs, the exact event model of
  // wormhole routers with one.
  c.packet_router_detail = detail && s.vcs > 1;
  c.packet_exact_wormhole = detail && s.vcs == 1;
  auto model = make_noc_model(c);
  return run_synthetic_traffic(*model, t);
}

double error_pct(double packet, double flit) { return flit > 0 ? 100.0 * (packet - flit) / flit : 0.0; }

// The machine is shared: each load point takes `repeats` timing samples of each fidelity, the
// fidelities alternating, and keeps the fastest sample of each. A sample is `runs` fresh runs back
// to back (as many as make it last about `min_sample` CPU seconds: a packet-model point lasts a
// few milliseconds, too short to time alone), its times the runs' mean. The simulated results are
// identical in every run.
TrafficResult timed_sample(uint32_t k, const Setup& s, NocFidelity f, double rate, uint64_t measure, bool detail,
                           int runs) {
  TrafficResult mean = run(k, s, f, rate, 2000, measure, detail);
  for (int i = 1; i < runs; ++i) {
    const TrafficResult x = run(k, s, f, rate, 2000, measure, detail);
    mean.wall_seconds += x.wall_seconds;
    mean.cpu_seconds += x.cpu_seconds;
    mean.model_seconds += x.model_seconds;
  }
  mean.wall_seconds /= runs;
  mean.cpu_seconds /= runs;
  mean.model_seconds /= runs;
  return mean;
}

void keep_fastest(TrafficResult& best, const TrafficResult& r) {
  best.wall_seconds = std::min(best.wall_seconds, r.wall_seconds);
  best.cpu_seconds = std::min(best.cpu_seconds, r.cpu_seconds);
  best.model_seconds = std::min(best.model_seconds, r.model_seconds);
}

// The 1-minute load average (other processes on the machine inflate wall times), or -1.
double load_average() {
  double load = -1;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &load) != 1) load = -1;
    std::fclose(f);
  }
  return load;
}

void speed_table(bool quick) {
  const Setup setups[] = {{"(a) 1-flit, 4VCx8", 1, 4, 8}, {"(b) 8-flit, 1VCx4", 8, 1, 4}};
  struct Load {
    uint32_t k;
    const char* level;
    double rate_a, rate_b;
  };
  const Load loads[] = {{4, "low", 0.10, 0.05},  {4, "medium", 0.35, 0.15}, {4, "near-sat", 0.65, 0.25},
                        {8, "low", 0.05, 0.03},  {8, "medium", 0.20, 0.10}, {8, "near-sat", 0.38, 0.13}};
  const uint64_t measure = quick ? 4000 : 20000;
  const int repeats = quick ? 1 : 5;
  const double min_sample = quick ? 0.0 : 0.1;  // CPU seconds
  std::printf("## Simulation speed (uniform random, XY, %s, %llu measured cycles + warm-up and drain; fastest of %d samples "
              "of >= %.1f CPU s, times per run; load average %.1f at the start)\n\n",
              routers(), static_cast<unsigned long long>(measure), repeats, min_sample, load_average());
  std::printf("| setup | mesh | load | rate | fidelity | cycles | wall s | Mcycles/s | M flit-hops/s | "
              "M flit-hops/CPU-s | speedup (wall) | speedup (CPU) | speedup (model only) | mean latency | latency error |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Setup& s : setups)
    for (const Load& l : loads) {
      const double rate = s.packet_flits == 1 ? l.rate_a : l.rate_b;
      // flit, packet and packet with router detail (several VCs) or exact wormhole (one VC)
      const int variants = 3;
      TrafficResult r[3];
      int runs[3];
      for (int v = 0; v < variants; ++v) {  // one run each to size the samples
        const TrafficResult x = run(l.k, s, v == 0 ? NocFidelity::Flit : NocFidelity::Packet, rate, 2000, measure, v == 2);
        runs[v] = std::max(1, int(std::ceil(min_sample / std::max(x.cpu_seconds, 1e-4))));
      }
      for (int rep = 0; rep < repeats; ++rep)
        for (int v = 0; v < variants; ++v) {
          const TrafficResult x =
              timed_sample(l.k, s, v == 0 ? NocFidelity::Flit : NocFidelity::Packet, rate, measure, v == 2, runs[v]);
          if (rep == 0) r[v] = x;
          else keep_fastest(r[v], x);
        }
      const TrafficResult& rf = r[0];
      for (int i = 0; i < variants; ++i) {
        const TrafficResult& rp = r[i];
        const double cpu = std::max(rp.cpu_seconds, 1e-6);
        char wall_ratio[32] = "1", cpu_ratio[32] = "1", model_ratio[32] = "1";
        if (i > 0) {
          std::snprintf(model_ratio, sizeof model_ratio, "%.1fx", rf.model_seconds / std::max(rp.model_seconds, 1e-6));
          std::snprintf(wall_ratio, sizeof wall_ratio, "%.1fx", rf.wall_seconds / rp.wall_seconds);
          std::snprintf(cpu_ratio, sizeof cpu_ratio, "%.1fx", std::max(rf.cpu_seconds, 1e-6) / cpu);
        }
        char error_text[32] = "-";
        if (i > 0) std::snprintf(error_text, sizeof error_text, "%+.1f %%", error_pct(rp.packet_latency.mean, rf.packet_latency.mean));
        const char* names[3] = {"flit", "packet", s.vcs > 1 ? "packet, router detail" : "packet, exact wormhole"};
        std::printf("| %s | %ux%u | %s | %.2f | %s | %llu | %.3f | %.2f | %.2f | %.2f | %s | %s | %s | %.2f%s | %s |\n", s.name,
                    l.k, l.k, l.level, rate, names[i], static_cast<unsigned long long>(rp.cycles), rp.wall_seconds,
                    rp.cycles / rp.wall_seconds / 1e6, rp.flit_hops / rp.wall_seconds / 1e6, rp.flit_hops / cpu / 1e6,
                    wall_ratio, cpu_ratio, model_ratio, rp.packet_latency.mean, rp.saturated ? " (sat)" : "", error_text);
      }
      std::fflush(stdout);
    }
  std::printf("\n");
}

// One load point of a latency table, over several seeds: the seeds' mean of each quantity, the
// standard error of the mean latency and, per seed, the packet model's error against the flit
// model run with the same seed.
struct SeedStats {
  double offered = 0, accepted = 0, mean = 0, sem = 0, p99 = 0, head = 0, occupancy = 0;
  int saturated = 0;  // seeds whose measured packets did not drain
};

SeedStats seed_stats(const std::vector<TrafficResult>& runs) {
  SeedStats s;
  const double n = double(runs.size());
  for (const TrafficResult& r : runs) {
    s.offered += r.offered / n;
    s.accepted += r.accepted / n;
    s.mean += r.packet_latency.mean / n;
    s.p99 += r.packet_latency.p99 / n;
    s.head += r.head_latency.mean / n;
    s.occupancy += r.router_occupancy / n;
    s.saturated += r.saturated ? 1 : 0;
  }
  if (runs.size() > 1) {
    double ss = 0;
    for (const TrafficResult& r : runs) ss += (r.packet_latency.mean - s.mean) * (r.packet_latency.mean - s.mean);
    s.sem = std::sqrt(ss / (n - 1) / n);
  }
  return s;
}

// Per-seed error of `model` against `flit` (same seeds): mean, standard error, min and max, in %.
struct ErrorSpread {
  double mean = 0, sem = 0, min = 0, max = 0;
};

ErrorSpread error_spread(const std::vector<TrafficResult>& model, const std::vector<TrafficResult>& flit) {
  ErrorSpread e;
  std::vector<double> errors;
  for (size_t i = 0; i < model.size(); ++i)
    errors.push_back(error_pct(model[i].packet_latency.mean, flit[i].packet_latency.mean));
  const double n = double(errors.size());
  for (double x : errors) e.mean += x / n;
  e.min = *std::min_element(errors.begin(), errors.end());
  e.max = *std::max_element(errors.begin(), errors.end());
  if (errors.size() > 1) {
    double ss = 0;
    for (double x : errors) ss += (x - e.mean) * (x - e.mean);
    e.sem = std::sqrt(ss / (n - 1) / n);
  }
  return e;
}

// Near saturation a 10000-cycle window holds too few independent busy periods for a stable mean
// (8-flit packets over 1 VC at 89 % of saturation: one seed's mean latency ranges over +-20 %), so
// every point is run with `seeds` seeds (1..seeds) in both fidelities and the tables give the
// seeds' means, the standard error of the mean latency, and the error of the means with the
// spread of the per-seed errors.
void latency_tables(bool quick, int seeds) {
  const Setup setups[] = {{"(a) 1-flit packets, 4 VCs x 8-flit buffers", 1, 4, 8},
                          {"(b) 8-flit packets, 1 VC x 4-flit buffers", 8, 1, 4}};
  // Denser near each setup's saturation, where the packet model's error grows.
  const std::vector<double> rates4a = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9};
  const std::vector<double> rates4b = {0.05, 0.1, 0.15, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3, 0.4, 0.6, 0.8};
  const std::vector<double> rates8a = {0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.33, 0.35, 0.37, 0.4, 0.45};
  const std::vector<double> rates8b = {0.02, 0.05, 0.08, 0.1, 0.11, 0.12, 0.13, 0.135, 0.14, 0.2, 0.3, 0.4};
  const uint64_t measure = quick ? 3000 : 10000;
  std::printf("Latency tables: warm-up 2000, %llu measured cycles, drain limit %llu, seeds 1..%d per point "
              "(latency: mean over the seeds +- its standard error; error: of the seeds' means, and per seed "
              "mean +- standard error [min, max]); load average %.1f at the start\n\n",
              static_cast<unsigned long long>(measure), static_cast<unsigned long long>(4 * measure), seeds,
              load_average());
  for (uint32_t k : {4u, 8u})
    for (const Setup& s : setups) {
      const std::vector<double>& rates =
          k == 4 ? (s.packet_flits > 1 ? rates4b : rates4a) : (s.packet_flits > 1 ? rates8b : rates8a);
      // The packet model's finer variant: router detail (several VCs per class) or exact wormhole (one).
      const char* detail_name = s.vcs > 1 ? "router detail" : "exact wormhole";
      // [rate][seed]
      std::vector<std::vector<TrafficResult>> flit(rates.size()), packet(rates.size()), detail(rates.size());
      for (size_t i = 0; i < rates.size(); ++i)
        for (int seed = 1; seed <= seeds; ++seed) {
          flit[i].push_back(run(k, s, NocFidelity::Flit, rates[i], 2000, measure, false, uint64_t(seed)));
          packet[i].push_back(run(k, s, NocFidelity::Packet, rates[i], 2000, measure, false, uint64_t(seed)));
          detail[i].push_back(run(k, s, NocFidelity::Packet, rates[i], 2000, measure, true, uint64_t(seed)));
        }
      // Saturation throughput: the most the flit model accepts (seeds' mean) at any offered load of
      // the sweep (beyond it, accepted throughput falls a little as the network congests).
      double sat = 0;
      for (const auto& runs : flit) sat = std::max(sat, seed_stats(runs).accepted);
      std::printf("## %ux%u mesh, %s (uniform random, XY, %s, 1-cycle links; bisection bound 4/k = %.2f; "
                  "flit-model saturation throughput %.3f; %d seeds)\n\n",
                  k, k, s.name, routers(), 4.0 / k, sat, seeds);
      std::printf("| offered | of saturation | flit accepted | flit latency mean | p99 | head | flit occupancy | flit sat (seeds) | "
                  "packet accepted | packet latency mean | p99 | packet error | per seed: error | [min, max] | occupancy error | %s: "
                  "latency mean | p99 | error | per seed | occupancy error |\n",
                  detail_name);
      std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (size_t i = 0; i < rates.size(); ++i) {
        const SeedStats rf = seed_stats(flit[i]), rp = seed_stats(packet[i]);
        const ErrorSpread e = error_spread(packet[i], flit[i]);
        std::printf("| %.3f | %.0f %% | %.3f | %.1f +- %.1f | %.0f | %.1f | %.2f | %d | %.3f | %.1f +- %.1f | %.0f | %+.1f %% | "
                    "%+.1f +- %.1f %% | [%+.1f, %+.1f] | %+.1f %% |",
                    rf.offered, 100.0 * rf.offered / sat, rf.accepted, rf.mean, rf.sem, rf.p99, rf.head, rf.occupancy,
                    rf.saturated, rp.accepted, rp.mean, rp.sem, rp.p99, error_pct(rp.mean, rf.mean), e.mean, e.sem, e.min,
                    e.max, error_pct(rp.occupancy, rf.occupancy));
        const SeedStats rd = seed_stats(detail[i]);
        const ErrorSpread ed = error_spread(detail[i], flit[i]);
        std::printf(" %.1f +- %.1f | %.0f | %+.1f %% | %+.1f +- %.1f %% [%+.1f, %+.1f] | %+.1f %% |", rd.mean, rd.sem,
                    rd.p99, error_pct(rd.mean, rf.mean), ed.mean, ed.sem, ed.min, ed.max,
                    error_pct(rd.occupancy, rf.occupancy));
        std::printf("\n");
        std::fflush(stdout);
      }
      std::printf("\n");
    }
}

// One multicast in an empty 8x8 mesh (4 VCs x 8 flits, XY) from the centre node 27: latency of
// the last copy and flits carried by links (ejections included), flit model (source
// replication), packet model (XY tree) and, for reference, the packet model replicating at the
// source as the flit model does.
void multicast_table() {
  std::printf("## Multicast at zero load (8x8, XY, 4 VCs x 8 flits, source node 27)\n\n");
  std::printf("| destinations | flits | flit model (source replication) latency | link flits | packet model tree latency | "
              "link flits | packet model source replication latency |\n|---|---|---|---|---|---|---|\n");
  struct Set {
    const char* name;
    std::vector<uint32_t> dsts;
  };
  std::vector<Set> sets = {{"row of 7 (y = 3)", {}}, {"4x4 quadrant (15)", {}}, {"all 63", {}}};
  for (uint32_t n = 0; n < 64; ++n) {
    if (n == 27) continue;
    if (n / 8 == 3) sets[0].dsts.push_back(n);
    if (n % 8 >= 2 && n % 8 < 6 && n / 8 >= 2 && n / 8 < 6) sets[1].dsts.push_back(n);
    sets[2].dsts.push_back(n);
  }
  for (const Set& set : sets)
    for (uint32_t flits : {1u, 8u, 64u, 472u}) {
      uint64_t latency[3] = {0, 0, 0}, link_flits[3] = {0, 0, 0};
      for (int i = 0; i < 3; ++i) {
        NocConfig c = mesh_config(8, Setup{"", flits, 4, 8}, i == 0 ? NocFidelity::Flit : NocFidelity::Packet);
        auto m = make_noc_model(c);
        const NocPacket p{0, 27, set.dsts[0], flits, 0, 0};
        if (i == 2) m->NocModel::inject_multicast(p, set.dsts);
        else m->inject_multicast(p, set.dsts);
        m->advance_to(1000000);
        std::vector<DeliveredPacket> out;
        m->take_delivered(out);
        for (const DeliveredPacket& d : out) latency[i] = std::max(latency[i], d.latency());
        for (uint64_t f : m->stats().link_flits) link_flits[i] += f;
      }
      std::printf("| %s | %u | %llu | %llu | %llu | %llu | %llu |\n", set.name, flits,
                  static_cast<unsigned long long>(latency[0]), static_cast<unsigned long long>(link_flits[0]),
                  static_cast<unsigned long long>(latency[1]), static_cast<unsigned long long>(link_flits[1]),
                  static_cast<unsigned long long>(latency[2]));
    }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_noc: NoC speed, latency-throughput and multicast tables (Markdown); all three by default"};
  bool quick = false, speed = false, tables = false, multicast = false;
  unsigned seeds = 0;  // latency tables: 0 = the default (8, --quick 2)
  app.add_flag("--quick", quick, "shorter runs and 2 seeds: a smoke run, not a measurement");
  app.add_option("--seeds", seeds, "latency tables: seeds per point (default 8, --quick 2)")->check(CLI::Range(1u, 1000u));
  app.add_flag("!--no-body-bypass", body_bypass, "every run without body-flit bypass (body flits wait R-2 cycles)");
  auto* speed_flag = app.add_flag("--speed", speed, "only the speed table");
  auto* tables_flag = app.add_flag("--tables", tables, "only the latency-throughput tables");
  auto* multicast_flag = app.add_flag("--multicast", multicast, "only the multicast table");
  speed_flag->excludes(tables_flag)->excludes(multicast_flag);
  tables_flag->excludes(multicast_flag);
  CLI11_PARSE(app, argc, argv);
  if (!speed && !tables && !multicast) speed = tables = multicast = true;
  if (speed) speed_table(quick);
  if (tables) latency_tables(quick, seeds > 0 ? int(seeds) : quick ? 2 : 8);
  if (multicast) multicast_table();
  return 0;
}
