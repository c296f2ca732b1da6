#include "star_core/stage_engine.h"

#include <algorithm>

#include "fetcher/data_fetcher.h"
#include "stats/stats_registry.h"
#include "tracing/tracer.h"

namespace star {

std::ostream& operator<<(std::ostream& os, const TokenPtr& t) {
  if (!t) return os << "token(null)";
  return os << "token(head " << t->cell.head << ", block " << t->cell.block << ", tile "
            << t->cell.tile << ")";
}

StageEngine::StageEngine(const sc_core::sc_module_name& name, Stage stage, const CoreConfig& cfg,
                         DataFetcher& fetcher)
    : sc_core::sc_module(name), in("in"), out("out"), stage_(stage), cfg_(cfg), fetcher_(fetcher),
      period_(sc_core::sc_time(cfg.period_ns(), sc_core::SC_NS)) {
  SC_THREAD(run);
}

sc_core::sc_time StageEngine::issue_transfers(const TileToken& t, const sc_core::sc_time& start) {
  sc_core::sc_time done = start;
  const CoreJob& job = ctx_->job();
  for (const Transfer& tr : ctx_->transfers(t.cell, t.work.stats)) {
    if (!issues(tr.stage) || tr.pass != t.pass || tr.bytes() == 0) continue;
    const std::uint32_t h = (tr.operand == Operand::q || tr.operand == Operand::o ||
                             tr.operand == Operand::w_q)
                                ? t.cell.head
                                : t.cell.kv_head;
    // A gather's rows are scattered; its bursts are timed at the operand's region (see fetcher).
    const std::uint64_t first = tr.gather ? 0 : tr.first_row;
    const std::uint64_t addr = job.operand_address(tr.operand, h, first, tr.bytes_per_row);
    // A batched macro cell of n tiles moves its merged streams in longer bursts.
    done = std::max(done, fetcher_.transfer(tr.stage, tr.dir, addr, tr.bytes(), start,
                                            macro_cell_burst_bytes(cfg_.max_burst_bytes, t.cell.tiles)));
  }
  return done;
}

void StageEngine::run() {
  for (;;) {
    const sc_core::sc_time wait_from = sc_core::sc_time_stamp();
    TokenPtr t = in.read();
    starved_ += static_cast<std::uint64_t>((sc_core::sc_time_stamp() - wait_from) / period_);
    if (t->pass == 0 || in_pass(t->pass)) {
      busy_.write(true);
      tile_.write(t->cell.tile);
      block_.write(t->cell.block);
      head_.write(t->cell.head);
      const sc_core::sc_time start = sc_core::sc_time_stamp();
      const std::uint64_t cycles = compute_cycles(*t);
      const sc_core::sc_time mem_done = issue_transfers(*t, start);
      const sc_core::sc_time compute_done =
          start + period_ * static_cast<double>(cycles + std::uint64_t{cfg_.stage_overhead_cycles} * t->cell.tiles);
      const sc_core::sc_time end = std::max(compute_done, mem_done);
      if (mem_done > compute_done) ++memory_bound_;
      // A target that waits inside b_transport (the mesh's network interface) has already
      // spent part of the memory time in issue_transfers: wait only for what is left.
      if (end > sc_core::sc_time_stamp()) wait(end - sc_core::sc_time_stamp());
      compute_ += cycles;
      busy_cycles_ += static_cast<std::uint64_t>((end - start) / period_);
      ++tiles_;
      busy_.write(false);
    }
    const sc_core::sc_time block_from = sc_core::sc_time_stamp();
    out.write(t);
    blocked_ += static_cast<std::uint64_t>((sc_core::sc_time_stamp() - block_from) / period_);
    // sc_fifo shows a write to its reader only after the update phase: count it in ourselves.
    const std::uint32_t occupancy = cfg_.fifo_depth - static_cast<std::uint32_t>(out->num_free()) + 1;
    fifo_high_.sample(std::min(occupancy, cfg_.fifo_depth));
    fifo_.write(std::min(occupancy, cfg_.fifo_depth));
  }
}

void StageEngine::reset_stats() {
  busy_cycles_.reset();
  compute_.reset();
  memory_bound_.reset();
  tiles_.reset();
  starved_.reset();
  blocked_.reset();
  fifo_high_.reset();
  ops_ = OpCounts{};
}

void StageEngine::register_stats(StatsRegistry& reg, const std::string& p) const {
  reg.add_counter(p + ".busy_cycles", busy_cycles_, "cycles", "cycles spent on tiles");
  reg.add_counter(p + ".compute_cycles", compute_, "cycles", "cycles the array computed");
  reg.add_counter(p + ".memory_bound_tiles", memory_bound_, "tiles",
                  "tiles whose DRAM traffic took longer than their computation");
  reg.add_counter(p + ".tiles", tiles_, "tiles", "tiles processed");
  reg.add_counter(p + ".stall_starved_cycles", starved_, "cycles",
                  "cycles waiting for a tile from the previous stage");
  reg.add_counter(p + ".stall_blocked_cycles", blocked_, "cycles",
                  "cycles waiting for room in the next stage's FIFO (back-pressure)");
  reg.add_high_water(p + ".out_fifo_high_water", fifo_high_, "tiles",
                     "most tiles waiting in this stage's output FIFO");
}

void StageEngine::trace(Tracer& tracer, const std::string& module) {
  tracer.trace(module, "busy", busy_);
  tracer.trace(module, "tile", tile_);
  tracer.trace(module, "block", block_);
  tracer.trace(module, "head", head_);
  tracer.trace(module, "out_fifo", fifo_);
}

}  // namespace star
