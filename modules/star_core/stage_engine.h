// What every pipeline stage of the STAR core shares: take a tile token from the bounded input
// FIFO, do the tile's work (the algorithm model in functional mode), issue the stage's DRAM
// transfers from the cell's plan through the fetcher, hold the tile for its latency, hand it on.
// The pipeline's overlap and back-pressure emerge from the FIFOs: a stage that finds its input
// empty is starved, one whose output is full is blocked.
//
// Latency of a tile [design]: max(compute, memory) + a fixed per-tile overhead, i.e. the stage's
// buffers are double-buffered so its DRAM traffic overlaps its computation. Each block derives its
// compute cycles from its organisation (CoreConfig) in compute_cycles(), documented there.
#pragma once

#include <systemc>

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "controller/transfer_plan.h"
#include "star_core/core_config.h"
#include "star_core/job_context.h"
#include "stats/statistic.h"
#include "tracing/traced_value.h"

namespace star {

class DataFetcher;
class StatsRegistry;

inline std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }
class Tracer;

struct TileToken {
  JobContext::Cell cell;
  CellWork work;
  std::uint8_t pass = 0;  // stage-isolated flow: the pass this token belongs to (0: coordinated)
};
using TokenPtr = std::shared_ptr<TileToken>;
std::ostream& operator<<(std::ostream& os, const TokenPtr& t);

class StageEngine : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(StageEngine);
  sc_core::sc_fifo_in<TokenPtr> in;
  sc_core::sc_fifo_out<TokenPtr> out;

  StageEngine(const sc_core::sc_module_name& name, Stage stage, const CoreConfig& cfg,
              DataFetcher& fetcher);

  void start_job(JobContext* ctx) { ctx_ = ctx; }
  Stage stage() const { return stage_; }

  std::uint64_t busy_cycles() const { return busy_cycles_.value(); }
  std::uint64_t compute_cycles_total() const { return compute_.value(); }
  std::uint64_t memory_bound_tiles() const { return memory_bound_.value(); }
  std::uint64_t tiles() const { return tiles_.value(); }
  std::uint64_t starved_cycles() const { return starved_.value(); }
  std::uint64_t blocked_cycles() const { return blocked_.value(); }
  double fifo_high_water() const { return fifo_high_.value(); }
  const OpCounts& ops() const { return ops_; }
  void register_stats(StatsRegistry& reg, const std::string& prefix) const;
  void trace(Tracer& tracer, const std::string& module);
  void reset_stats();

 protected:
  // The tile's compute cycles on this block (and its functional work via ctx()).
  virtual std::uint64_t compute_cycles(TileToken& t) = 0;
  // Whether this block acts on a token of the stage-isolated flow's pass `pass`.
  virtual bool in_pass(std::uint8_t pass) const = 0;
  // The stages whose planned DRAM transfers this block issues.
  virtual bool issues(Stage s) const { return s == stage_; }
  JobContext& ctx() { return *ctx_; }
  const CoreConfig& cfg() const { return cfg_; }
  DataFetcher& fetcher() { return fetcher_; }
  void count(const OpCounts& ops) { ops_ += ops; }
  // Issues the cell's DRAM transfers of this stage (and `pass`); returns when the last completes.
  sc_core::sc_time issue_transfers(const TileToken& t, const sc_core::sc_time& start);

 private:
  void run();

  Stage stage_;
  CoreConfig cfg_;
  DataFetcher& fetcher_;
  JobContext* ctx_ = nullptr;
  sc_core::sc_time period_;
  Counter busy_cycles_, compute_, memory_bound_, tiles_, starved_, blocked_;
  HighWaterMark fifo_high_;  // occupancy of the output FIFO right after a write
  OpCounts ops_;
  TracedValue<bool> busy_{false};
  TracedValue<std::uint32_t> tile_{0}, block_{0}, head_{0}, fifo_{0};
};

}  // namespace star
