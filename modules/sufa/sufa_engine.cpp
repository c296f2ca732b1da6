#include "sufa/sufa_engine.h"

#include <algorithm>

#include "fetcher/data_fetcher.h"

namespace star {

namespace {
std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }
}  // namespace

std::uint64_t SufaEngine::compute_cycles(TileToken& t) {
  const CoreJob& job = ctx().job();
  const std::uint64_t d = job.head_dim, sel = t.work.selected;
  const std::uint64_t array = std::uint64_t(cfg().sufa_rows) * cfg().sufa_cols;
  const std::uint64_t mac_cycles = ceil_div(sel * d, array), exp_cycles = ceil_div(sel, cfg().exp_units);
  std::uint64_t cycles = 0;
  switch (t.pass) {
    case 0: cycles = std::max(mac_cycles, exp_cycles); break;  // fused, pipelined
    case 5: cycles = mac_cycles; break;                        // scores
    case 6: cycles = exp_cycles; break;                        // softmax
    default: cycles = mac_cycles; break;                       // P V
  }
  if (t.pass == 0 || t.pass == 5) {
    ctx().formal(t.cell, t.work);
    count(t.work.formal);
  }
  if ((t.pass == 0 || t.pass == 7) && t.cell.last_of_block) {
    const std::uint64_t rows = ctx().tiling().block_size(t.cell.block);
    std::uint64_t tiles = 0;
    for (std::uint32_t k = 0; k < ctx().tiling().n_tiles(); ++k) tiles += ctx().tiling().visits(t.cell.block, k);
    cycles += ceil_div(rows * tiles * (d + 1), array) + ceil_div(rows * d, cfg().div_units);
    count(ctx().finish_block(t.cell, [this](std::uint64_t a, const void* src, std::uint64_t n) {
      fetcher().write_data(a, src, n);
    }));
  }
  return cycles;
}

}  // namespace star
