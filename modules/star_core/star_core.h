// One STAR core: controller, data fetcher, and the four pipeline stages (DLZS -> SADS -> K/V
// generation -> SU-FA) joined by bounded tile FIFOs. Its fetcher's socket is its only path to
// memory. (The register bank that lets a host drive it lives in the SoC assembly.)
#pragma once

#include <systemc>

#include <memory>
#include <string>
#include <vector>

#include "controller/tile_controller.h"
#include "dlzs/dlzs_engine.h"
#include "fetcher/data_fetcher.h"
#include "kvgen/kvgen_engine.h"
#include "sads/sads_engine.h"
#include "star_core/core_config.h"
#include "star_core/job_context.h"
#include "sufa/sufa_engine.h"
#include "tracing/bandwidth_monitor.h"

namespace star {

class StatsRegistry;
class Tracer;

class StarCore : public sc_core::sc_module {
 public:
  StarCore(const sc_core::sc_module_name& name, const CoreConfig& cfg);

  // Validates the job against the core and `memory_bytes`, then starts it (before sc_start, or
  // from a process when the core is idle). Throws std::invalid_argument naming the problem.
  void start(const CoreJob& job, bool functional, std::uint64_t memory_bytes,
             PerformanceWorkload perf = {}, std::vector<CellWork> replay = {});
  const sc_core::sc_event& done() const { return controller.done(); }
  bool busy() const { return controller.busy(); }
  sc_core::sc_time job_time() const { return controller.job_end() - controller.job_start(); }
  std::uint64_t job_cycles() const;
  const JobContext* context() const { return ctx_.get(); }
  const CoreConfig& config() const { return cfg_; }

  // The pipeline stages in order, for reports.
  std::vector<const StageEngine*> stages() const { return {&dlzs, &sads, &kvgen, &sufa}; }
  OpCounts ops() const;
  void register_stats(StatsRegistry& reg, const std::string& prefix) const;
  void trace(Tracer& tracer, const std::string& prefix);

  DataFetcher fetcher;
  DlzsEngine dlzs;
  SadsEngine sads;
  KvGenEngine kvgen;
  SufaEngine sufa;
  TileController controller;
  BandwidthMonitor fetcher_bandwidth;  // the fetcher's interface utilisation per window

 private:
  CoreConfig cfg_;
  std::unique_ptr<JobContext> ctx_;
  sc_core::sc_fifo<TokenPtr> ctrl_to_dlzs_, dlzs_to_sads_, sads_to_kvgen_, kvgen_to_sufa_,
      sufa_to_ctrl_;
};

}  // namespace star
