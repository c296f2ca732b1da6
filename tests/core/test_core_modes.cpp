// Two data modes, one timing: a functional run records every cell's selection; a performance-mode
// run replaying those selections (no payloads, no store) reports the same cycles and DRAM bytes.
// A performance run with drawn statistics scales to a long sequence.
#include "core_test_support.h"

using namespace star;
using namespace star::test;

namespace {

void compare(const StarSoc& a, const StarSoc& b, const char* what) {
  CHECK_MSG(a.core.job_cycles() == b.core.job_cycles(),
            std::string(what) + ": functional " + std::to_string(a.core.job_cycles()) +
                " cycles vs performance " + std::to_string(b.core.job_cycles()));
  CHECK_MSG(a.core.fetcher.dram_bytes() == b.core.fetcher.dram_bytes(), what);
  for (std::size_t s = 0; s < 4; ++s)
    CHECK_MSG(a.core.stages()[s]->busy_cycles() == b.core.stages()[s]->busy_cycles(), what);
}

}  // namespace

int sc_main(int, char*[]) {
  install_strict_reporting();
  StarSoc fsoc("functional", soc_config(DataMode::functional)), psoc("performance", soc_config(DataMode::performance));

  // Attention-only, coordinated.
  const QuantizedQkv qkv = dominant_qkv_512();
  StarAlgoConfig algo;
  algo.subsegments = 4;
  CoreJob job = place_qkv(fsoc.memory, qkv, algo);
  fsoc.run(job);
  psoc.run(job, {}, fsoc.core.context()->record());
  compare(fsoc, psoc, "attention-only");

  // Full layer, stage-isolated, RASS off.
  const LayerInputs li = generate_layer(RowType::clustered, 256, 64, 1, 1, 32, 4);
  const QuantizedLayer layer = quantize_layer(li.x, li.w_q, li.w_k, li.w_v, 1, 1, 32);
  CoreJob ljob = place_layer(fsoc.memory, layer, algo, calibrate_layer_shifts(layer, algo.predictor));
  ljob.flow = Flow::stage_isolated;
  ljob.rass = false;
  fsoc.run(ljob);
  psoc.run(ljob, {}, fsoc.core.context()->record());
  compare(fsoc, psoc, "full layer, stage-isolated");

  // Performance mode alone at 32K tokens: runs, and every tile passes every stage.
  CoreJob big = job;
  big.seq_len = 32768;
  big.n_queries = 0;
  big.algo.subsegments = 64;
  const sc_core::sc_time t = psoc.run(big);
  CHECK(t > sc_core::SC_ZERO_TIME);
  CHECK_EQ(psoc.core.sufa.tiles(), psoc.core.context()->cells().size());
  std::printf("32K tokens, performance mode: %.3f ms simulated\n", t.to_seconds() * 1e3);
  return finish();
}
