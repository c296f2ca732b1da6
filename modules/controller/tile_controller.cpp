#include "controller/tile_controller.h"

#include <stdexcept>

#include "tracing/tracer.h"

namespace star {

TileController::TileController(const sc_core::sc_module_name& name)
    : sc_core::sc_module(name), to_pipeline("to_pipeline"), from_pipeline("from_pipeline") {
  SC_THREAD(issue);
  SC_THREAD(collect);
}

void TileController::start(JobContext* ctx) {
  if (busy_) throw std::logic_error("controller: a job is already running");
  ctx_ = ctx;
  busy_ = true;
  start_.notify(sc_core::SC_ZERO_TIME);
}

void TileController::issue() {
  for (;;) {
    wait(start_);
    start_time_ = sc_core::sc_time_stamp();
    done_line_.write(false);
    const auto& cells = ctx_->cells();
    const bool isolated = ctx_->job().flow == Flow::stage_isolated;
    const int passes = isolated ? 7 : 1;
    std::vector<TokenPtr> tokens;
    tokens.reserve(cells.size());
    for (const auto& c : cells) {
      auto t = std::make_shared<TileToken>();
      t->cell = c;
      tokens.push_back(std::move(t));
    }
    for (int p = 1; p <= passes; ++p) {
      expected_ = tokens.size();
      collected_ = 0;
      pass_.write(static_cast<std::uint32_t>(p));
      for (auto& t : tokens) {
        t->pass = static_cast<std::uint8_t>(isolated ? p : 0);
        ++issued_;
        to_pipeline.write(t);
      }
      if (collected_ < expected_) wait(pass_done_);
    }
    end_time_ = sc_core::sc_time_stamp();
    busy_ = false;
    done_line_.write(true);
    done_.notify(sc_core::SC_ZERO_TIME);
  }
}

void TileController::collect() {
  for (;;) {
    from_pipeline.read();
    if (++collected_ == expected_) pass_done_.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace star

namespace star {
void TileController::trace(Tracer& tracer, const std::string& module) {
  tracer.trace(module, "done_irq", done_line_);
  tracer.trace(module, "pass", pass_);
}
}  // namespace star
