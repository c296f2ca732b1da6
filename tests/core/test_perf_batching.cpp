// Performance-mode batching (PerformanceWorkload::batch_tiles): a macro cell of k key tiles moves
// exactly the DRAM bytes and counts exactly the operations of its k single cells, its makespan
// stays near batch 1's (the bound here is loose; docs/core.md gives the measured error),
// automatic batching (auto_batch_tiles) picks the smallest k whose run has at most the target's
// cells, and batching is refused where it does not apply.
#include "core_test_support.h"

#include <cmath>

using namespace star;
using namespace star::test;

namespace {

struct Run {
  double ms = 0;
  std::uint64_t bytes = 0, cells = 0;
  OpCounts ops;
};

Run run(StarSoc& soc, const CoreJob& job, std::uint32_t k) {
  PerformanceWorkload perf;
  perf.batch_tiles = k;
  Run r;
  r.ms = soc.run(job, perf).to_seconds() * 1e3;
  r.bytes = soc.core.fetcher.dram_bytes();
  r.ops = soc.core.ops();
  r.cells = soc.core.context()->cells().size();
  return r;
}

}  // namespace

int sc_main(int, char*[]) {
  install_strict_reporting();
  StarSoc fsoc("functional", soc_config(DataMode::functional)), psoc("performance", soc_config(DataMode::performance));

  const QuantizedQkv qkv = dominant_qkv_512();
  StarAlgoConfig algo;
  algo.tile_keys = 512;
  CoreJob job = place_qkv(fsoc.memory, qkv, algo);
  job.seq_len = 8192;
  job.n_queries = 0;
  job.head_dim = 128;

  // Throw-checks before the first simulation step (ASan: docs/platform-infra.md section 5).
  // Refused: batch 0, batching in functional mode, for a stage-isolated or full-layer job.
  PerformanceWorkload zero, four;
  zero.batch_tiles = 0;
  four.batch_tiles = 4;
  CHECK(throws_naming([&] { check_workload(zero, job, false); }, "at least 1"));
  CHECK(throws_naming([&] { check_workload(four, job, true); }, "performance mode only"));
  CoreJob isolated = job;
  isolated.flow = Flow::stage_isolated;
  CHECK(throws_naming([&] { check_workload(four, isolated, false); }, "coordinated flow"));
  CoreJob full = job;
  full.kind = JobKind::full_layer;
  CHECK(throws_naming([&] { check_workload(four, full, false); }, "attention-only job"));
  check_workload(four, job, false);  // accepted
  CHECK(throws_naming([&] { auto_batch_tiles(job, 0); }, "target_cells must be at least 1"));

  for (bool causal : {false, true}) {
    job.algo.causal = causal;
    const Run one = run(psoc, job, 1);
    for (std::uint32_t k : {3u, 16u}) {
      const Run batched = run(psoc, job, k);
      const std::string what = std::string(causal ? "causal" : "non-causal") + ", k = " + std::to_string(k);
      CHECK_MSG(batched.bytes == one.bytes, what + ": DRAM bytes " + std::to_string(batched.bytes) + " vs " +
                                                std::to_string(one.bytes));
      CHECK_MSG(batched.ops == one.ops, what + ": operation counts differ");
      CHECK_MSG(batched.cells < one.cells, what + ": no fewer cells");
      const double err = batched.ms / one.ms - 1;
      std::printf("%s: %llu cells vs %llu, %.3f ms vs %.3f ms (%+.1f %%)\n", what.c_str(),
                  static_cast<unsigned long long>(batched.cells), static_cast<unsigned long long>(one.cells),
                  batched.ms, one.ms, 100 * err);
      CHECK_MSG(std::abs(err) < 0.25, what + ": makespan far from batch 1's");
    }
  }

  // Automatic batching: the run at the chosen k has at most `target` cells, the run at k - 1 more.
  // 64 blocks x 16 tiles (non-causal: 1024 cells at k = 1; causal: 544).
  for (bool causal : {false, true}) {
    job.algo.causal = causal;
    for (std::uint64_t target : {300u, 1000u, 64u, 10u}) {
      const std::uint32_t k = auto_batch_tiles(job, target);
      const std::string what = std::string(causal ? "causal" : "non-causal") + ", target " + std::to_string(target) +
                               ", k = " + std::to_string(k);
      const Run at_k = run(psoc, job, k);
      std::printf("auto batching %s: %llu cells\n", what.c_str(), static_cast<unsigned long long>(at_k.cells));
      if (target >= 64) {  // 64 blocks: one cell per block is reachable
        CHECK_MSG(at_k.cells <= target, what + ": " + std::to_string(at_k.cells) + " cells");
      } else {
        CHECK_MSG(k == 16 && at_k.cells == 64, what + ": not one cell per block");
      }
      if (k > 1) CHECK_MSG(run(psoc, job, k - 1).cells > target, what + ": k - 1 is within the target too");
    }
    CHECK(auto_batch_tiles(job, 1000000) == 1);
    CHECK(auto_batch_tiles(job, 300, true) == 1);  // functional mode: no batching
  }
  job.algo.causal = false;
  CHECK(auto_batch_tiles(job, 300) == 4);  // 64 x ceil(16 / 4) = 256 <= 300 < 64 x ceil(16 / 3) = 384

  return finish();
}
