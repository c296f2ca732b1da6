// Timing against hand-computed cases: (1) the fetcher moving a burst of N bytes over a channel of
// B bytes per cycle plus latency; (2) a pipeline of T tiles whose bottleneck stage is known (dense
// attention-only: SU-FA does all the work), finishing after exactly that stage's cycles plus the
// pipeline's fill.
#include "core_test_support.h"
#include "reference/generators.h"

using namespace star;
using namespace star::test;

namespace {

struct BurstProbe : sc_core::sc_module {
  SC_HAS_PROCESS(BurstProbe);
  DataFetcher& f;
  sc_core::sc_time one, two;
  BurstProbe(const sc_core::sc_module_name& n, DataFetcher& fetcher) : sc_module(n), f(fetcher) {
    SC_THREAD(run);
  }
  void run() {
    one = f.transfer(Stage::predict, Direction::read, 0, 4096, sc_core::sc_time_stamp());
    wait(one - sc_core::sc_time_stamp());
    const sc_core::sc_time start = sc_core::sc_time_stamp();
    two = f.transfer(Stage::predict, Direction::read, 1 << 20, 32768, start) - start;
  }
};

}  // namespace

int sc_main(int, char*[]) {
  install_strict_reporting();
  // (1) One channel of 8 B/cycle at 1 GHz, 100 ns latency; fetcher bursts of at most 16 KiB over
  // a 64 B/cycle interface.
  SocConfig one_channel;
  one_channel.memory.channels = 1;
  one_channel.memory.clock_hz = 1e9;
  one_channel.memory.bytes_per_cycle = 8;
  one_channel.memory.mode = DataMode::performance;
  StarSoc soc1("soc1", one_channel);
  BurstProbe probe("probe", soc1.core.fetcher);

  // (2) Dense attention-only job on a fast memory: S = 1024, d = 64, 8 blocks x 4 tiles of 256 keys.
  SocConfig fast;
  fast.memory.mode = DataMode::performance;
  fast.core.fetch_bytes_per_cycle = 4096;
  StarSoc soc2("soc2", fast);
  run(sc_core::sc_time(10, sc_core::SC_US), true);
  // 4096 bytes at 8 B/ns = 512 ns, + 100 ns latency.
  CHECK_TIME(probe.one, sc_core::sc_time(612, sc_core::SC_NS));
  // 32 KiB = two 16 KiB bursts: the second waits for the channel: 2 x 2048 ns + 100 ns.
  CHECK_TIME(probe.two, sc_core::sc_time(4196, sc_core::SC_NS));

  StarAlgoConfig algo;
  algo.dense = true;
  algo.sufa.order = SufaOrder::unsorted;
  algo.subsegments = 4;
  const QkvInputs in = generate_qkv(RowType::gaussian, 1024, 1024, 64, 1);
  CoreJob job = attention_job(quantize_qkv(in.q, in.k, in.v, 1, 1, 64), algo);
  soc2.run(job);
  // SU-FA per tile: 128 rows x 256 keys selected, 64 MACs each on a 128 x 2 array = 8192 cycles
  // (exps: 32768 / 128 = 256, hidden), + 8 overhead; FA-2 (unsorted) rescales each row's o once
  // per tile after the block's first: 128 x 65 / 256 = 33 cycles; per block end: combine
  // 128 x 4 x 65 / 256 = 130 and division 128 x 64 / 128 = 64 cycles.
  const std::uint64_t sufa = 32 * (8192 + 8) + 24 * 33 + 8 * (130 + 64);
  CHECK_EQ(soc2.core.sufa.busy_cycles(), sufa);
  CHECK_EQ(soc2.core.sufa.tiles(), 32u);
  const std::uint64_t total = soc2.core.job_cycles();
  CHECK_MSG(total >= sufa && total - sufa < 2000,
            "job " + std::to_string(total) + " cycles vs SU-FA " + std::to_string(sufa));
  // The faster stages wait on the bottleneck's back-pressure.
  CHECK_MSG(soc2.core.dlzs.blocked_cycles() > sufa / 2, "DLZS should be blocked by SU-FA");
  std::printf("pipeline: %llu cycles, SU-FA busy %llu, fill %llu\n", (unsigned long long)total,
              (unsigned long long)sufa, (unsigned long long)(total - sufa));
  return finish();
}
