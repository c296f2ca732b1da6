#include "star_core/star_core.h"

#include "stats/stats_registry.h"
#include "tracing/tracer.h"

namespace star {

StarCore::StarCore(const sc_core::sc_module_name& name, const CoreConfig& cfg)
    : sc_core::sc_module(name),
      fetcher("fetcher", (cfg.validate(), cfg)),
      dlzs("dlzs", cfg, fetcher),
      sads("sads", cfg, fetcher),
      kvgen("kvgen", cfg, fetcher),
      sufa("sufa", cfg, fetcher),
      controller("controller"),
      fetcher_bandwidth("fetcher_bandwidth", sc_core::sc_time(1, sc_core::SC_US),
                        cfg.clock_hz * cfg.fetch_bytes_per_cycle),
      cfg_(cfg),
      ctrl_to_dlzs_("ctrl_to_dlzs", static_cast<int>(cfg.fifo_depth)),
      dlzs_to_sads_("dlzs_to_sads", static_cast<int>(cfg.fifo_depth)),
      sads_to_kvgen_("sads_to_kvgen", static_cast<int>(cfg.fifo_depth)),
      kvgen_to_sufa_("kvgen_to_sufa", static_cast<int>(cfg.fifo_depth)),
      sufa_to_ctrl_("sufa_to_ctrl", static_cast<int>(cfg.fifo_depth)) {
  controller.to_pipeline(ctrl_to_dlzs_);
  dlzs.in(ctrl_to_dlzs_);
  dlzs.out(dlzs_to_sads_);
  sads.in(dlzs_to_sads_);
  sads.out(sads_to_kvgen_);
  kvgen.in(sads_to_kvgen_);
  kvgen.out(kvgen_to_sufa_);
  sufa.in(kvgen_to_sufa_);
  sufa.out(sufa_to_ctrl_);
  controller.from_pipeline(sufa_to_ctrl_);
  fetcher.set_monitor(&fetcher_bandwidth);
}

void StarCore::start(const CoreJob& job, bool functional, std::uint64_t memory_bytes,
                     PerformanceWorkload perf, std::vector<CellWork> replay) {
  if (busy()) throw std::logic_error(std::string(name()) + ": a job is already running");
  job.validate(cfg_, memory_bytes);
  ctx_ = std::make_unique<JobContext>(job, cfg_, functional, perf);
  if (!replay.empty()) {
    if (replay.size() != ctx_->cells().size())
      throw std::invalid_argument("replayed selection has " + std::to_string(replay.size()) +
                                  " cells, the job has " + std::to_string(ctx_->cells().size()));
    ctx_->replay(std::move(replay));
  }
  // Statistics (and memory errors) are per job.
  fetcher.reset_stats();
  ctx_->load_inputs([this](std::uint64_t a, void* dst, std::uint64_t n) { fetcher.read_data(a, dst, n); });
  for (StageEngine* s : std::initializer_list<StageEngine*>{&dlzs, &sads, &kvgen, &sufa}) {
    s->reset_stats();
    s->start_job(ctx_.get());
  }
  dlzs.new_job();
  controller.start(ctx_.get());
}

std::uint64_t StarCore::job_cycles() const {
  return static_cast<std::uint64_t>(job_time() / sc_core::sc_time(cfg_.period_ns(), sc_core::SC_NS));
}

OpCounts StarCore::ops() const {
  return dlzs.ops() + sads.ops() + kvgen.ops() + sufa.ops();
}

void StarCore::register_stats(StatsRegistry& reg, const std::string& p) const {
  dlzs.register_stats(reg, p + ".dlzs");
  sads.register_stats(reg, p + ".sads");
  kvgen.register_stats(reg, p + ".kvgen");
  sufa.register_stats(reg, p + ".sufa");
  fetcher.register_stats(reg, p + ".fetcher");
  fetcher_bandwidth.register_stats(reg, p + ".fetcher.interface");
  reg.add_integer(p + ".job_cycles", [this] { return job_cycles(); }, "cycles",
                  "cycles from the job's start to its last tile leaving the pipeline");
  reg.add_integer(p + ".tiles_issued", [this] { return controller.tiles_issued(); }, "tiles",
                  "tile tokens the controller issued (every pass of the stage-isolated flow)");
}

void StarCore::trace(Tracer& tracer, const std::string& p) {
  dlzs.trace(tracer, p + ".dlzs");
  sads.trace(tracer, p + ".sads");
  kvgen.trace(tracer, p + ".kvgen");
  sufa.trace(tracer, p + ".sufa");
  controller.trace(tracer, p + ".controller");
  fetcher_bandwidth.trace(tracer, p + ".fetcher");
}

}  // namespace star
