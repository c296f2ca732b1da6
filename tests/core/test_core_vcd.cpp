// Waveforms of a core run: a VCD (through sc_trace) that GTKWave's vcd2fst converts, holding per
// block busy/idle and current tile, FIFO occupancies, the job-done line and memory bandwidth, each
// of them changing; the module filter leaves unselected blocks out.
#include <cstdlib>

#include "../platform/vcd_reader.h"
#include "core_test_support.h"
#include "tracing/tracer.h"

using namespace star;
using namespace star::test;

int sc_main(int, char*[]) {
  install_strict_reporting();
  const SocConfig cfg = soc_config(DataMode::performance);
  StarSoc soc("soc", cfg);
  TraceConfig tc;
  tc.enabled = true;
  tc.path = "core_run.vcd";
  tc.module_filter = {"core", "hbm"};  // everything but the unselected "none" module below
  Tracer tracer("tracer", tc);
  soc.core.trace(tracer, "core");
  soc.memory.trace(tracer, "hbm");
  TracedValue<bool> unselected{false};
  tracer.trace("none", "x", unselected);

  StarAlgoConfig algo;
  algo.subsegments = 4;
  const QkvInputs in = generate_qkv(RowType::spread, 512, 512, 64, 2);
  const CoreJob job = attention_job(quantize_qkv(in.q, in.k, in.v, 1, 1, 64), algo);
  soc.run(job);
  tracer.close();

  const std::string fst = "core_run.fst", back = "core_run_back.vcd";
  CHECK_MSG(std::system((std::string(VCD2FST) + " core_run.vcd " + fst + " > /dev/null 2>&1").c_str()) == 0,
            "vcd2fst converts the core's VCD");
  CHECK_MSG(std::system((std::string(FST2VCD) + " -f " + fst + " -o " + back + " > /dev/null 2>&1").c_str()) == 0,
            "fst2vcd reads it back");
  const VcdContents v = read_vcd(back);
  CHECK(v.ok);
  for (const char* name :
       {"core.dlzs.busy", "core.dlzs.tile", "core.sads.busy", "core.kvgen.busy", "core.sufa.busy",
        "core.sufa.tile", "core.dlzs.out_fifo", "core.controller.done_irq", "core.fetcher.utilisation", "hbm.utilisation"}) {
    const bool present = v.code_of.count(name) != 0;
    CHECK_MSG(present, std::string("signal ") + name + " in the VCD");
    if (present)
      CHECK_MSG(v.changes.at(v.code_of.at(name)).size() >= 2, std::string(name) + " changes");
  }
  CHECK_MSG(v.code_of.count("none.x") == 0, "the module filter leaves 'none' out");
  return finish();
}
