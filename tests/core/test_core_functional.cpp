// Functional mode: the core's outputs, read back from DRAM, equal the algorithm model's bit for
// bit with the same configuration (attention-only and full layers, causal, GQA, every SU-FA
// order, both flows, RASS off, prediction off).
#include "core_test_support.h"

using namespace star;
using namespace star::test;

int sc_main(int, char*[]) {
  install_strict_reporting();
  SocConfig cfg;
  StarSoc soc("soc", cfg);

  // Attention-only, GQA (2 query heads on 1 K/V head), several configurations.
  const QuantizedQkv qkv = gqa_2on1_qkv();

  struct Variant {
    const char* name;
    bool causal, dense, rass;
    SufaOrder order;
    Flow flow;
  };
  const Variant variants[] = {
      {"coordinated", false, false, true, SufaOrder::descending, Flow::coordinated},
      {"causal", true, false, true, SufaOrder::descending, Flow::coordinated},
      {"ascending, RASS off", false, false, false, SufaOrder::ascending, Flow::coordinated},
      {"unsorted, dense", false, true, true, SufaOrder::unsorted, Flow::coordinated},
      {"stage-isolated causal", true, false, true, SufaOrder::descending, Flow::stage_isolated},
  };
  for (const Variant& v : variants) {
    StarAlgoConfig algo;
    algo.sads.keep = 0.25;
    algo.subsegments = 3;
    algo.block_queries = 128;
    algo.causal = v.causal;
    algo.dense = v.dense;
    algo.sufa.order = v.order;
    CoreJob job = place_qkv(soc.memory, qkv, algo);
    job.rass = v.rass;
    job.flow = v.flow;
    const sc_core::sc_time t = soc.run(job);
    const MatF got = get_output(soc.memory, job);
    const MatF want = run_layer(qkv, algo).out;
    CHECK_MSG(same_bits(got, want), std::string("attention-only ") + v.name);
    StarAlgoConfig other = algo;  // negative control: the comparison tells outputs apart
    other.sads.keep = 0.5;
    CHECK_MSG(v.dense || !same_bits(got, run_layer(qkv, other).out), v.name);
    CHECK_MSG(t > sc_core::SC_ZERO_TIME, v.name);
    std::printf("attention-only %-24s %10.0f ns\n", v.name, t.to_seconds() * 1e9);
  }

  // Full layer: X and weights in DRAM, K/V generated on demand.
  const LayerInputs li = generate_layer(RowType::spread, 320, 96, 2, 2, 32, 9);
  const QuantizedLayer layer = quantize_layer(li.x, li.w_q, li.w_k, li.w_v, 2, 2, 32);
  for (bool causal : {false, true}) {
    StarAlgoConfig algo;
    algo.sads.keep = 0.2;
    algo.subsegments = 4;
    algo.causal = causal;
    const LayerShifts shifts = calibrate_layer_shifts(layer, algo.predictor);
    CoreJob job = place_layer(soc.memory, layer, algo, shifts);
    soc.run(job);
    const MatF want = run_layer(layer, algo, shifts).out;
    CHECK_MSG(same_bits(get_output(soc.memory, job), want),
               causal ? "full layer causal" : "full layer");
  }
  return finish();
}
