// Bad configurations are clear errors naming the problem, never a crash, and the core keeps
// working (the errors come before the first simulation step: ASan reports exceptions thrown across
// SystemC's coroutine stacks falsely, so the bad cases run first): a bad core parameter, a tiling that does not fit the token buffer, an address outside
// memory, a misaligned address, shapes that do not divide, a job while another runs.
#include <stdexcept>

#include "core_test_support.h"

using namespace star;
using namespace star::test;

int sc_main(int, char*[]) {
  install_strict_reporting();
  CoreConfig bad;
  bad.fifo_depth = 0;
  CHECK(throws_naming([&] { bad.validate(); }, "fifo_depth"));
  bad = CoreConfig{};
  bad.clock_hz = 0;
  CHECK(throws_naming([&] { bad.validate(); }, "clock_hz"));

  SocConfig cfg;
  cfg.memory.mode = DataMode::performance;
  StarSoc soc("soc", cfg);
  StarAlgoConfig algo;
  algo.subsegments = 1;  // one key tile of 4096 keys x 128 dims: far beyond the token buffer
  const QkvInputs in = generate_qkv(RowType::gaussian, 256, 4096, 128, 1);
  const QuantizedQkv qkv = quantize_qkv(in.q, in.k, in.v, 1, 1, 128);
  CoreJob job = attention_job(qkv, algo);
  CHECK(throws_naming([&] { soc.run(job); }, "token buffer"));
  job.algo.subsegments = 16;
  job.o_addr = cfg.memory.capacity_bytes - 64;
  CHECK(throws_naming([&] { soc.run(job); }, "job.o region"));
  job.o_addr = 4 * kRegion + 2;
  CHECK(throws_naming([&] { soc.run(job); }, "aligned"));
  job.o_addr = 4 * kRegion;
  job.heads = 3;
  job.kv_heads = 2;
  CHECK(throws_naming([&] { soc.run(job); }, "multiple of job.kv_heads"));
  job.heads = job.kv_heads = 1;
  job.algo.sads.keep = 0;
  CHECK(throws_naming([&] { soc.run(job); }, "keep"));
  job.algo.sads.keep = 0.25;
  CoreJob layer = job;
  layer.kind = JobKind::full_layer;  // without shifts
  CHECK(throws_naming([&] { soc.run(layer); }, "shifts"));

  // After all that, a valid job runs.
  const sc_core::sc_time t = soc.run(job);
  CHECK(t > sc_core::SC_ZERO_TIME);

  // A memory that refuses accesses mid-job (the job claims a larger memory than the bus maps):
  // the core finishes, counts the refusals and names the first; the simulation goes on.
  CoreJob beyond = job;
  beyond.o_addr = cfg.memory.capacity_bytes + kRegion;
  soc.core.start(beyond, false, 4 * cfg.memory.capacity_bytes);
  while (soc.core.busy()) sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_MS));
  CHECK(soc.core.fetcher.errors() > 0);
  CHECK_MSG(soc.core.fetcher.first_error().find("memory error") != std::string::npos,
            soc.core.fetcher.first_error());
  // And the next valid job is clean.
  soc.run(job);
  CHECK_EQ(soc.core.fetcher.errors(), 0u);
  return finish();
}
