// HbmMemory timing against answers computed by hand. Defaults (STAR-SPEC 3): 16 channels,
// 8 B/cycle at 2 GHz (0.5 ns/cycle, 16 GB/s per channel), 256 B interleaving, 100 ns latency.
//   256 B on one channel  = 32 cycles = 16 ns, + 100 ns latency = 116 ns
//   100 B on one channel  = ceil(100/8) = 13 cycles = 6.5 ns  -> 106.5 ns
// Each case starts on a fresh microsecond so earlier cases have drained from the channels.
#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <stdexcept>

#include "hbm_test_initiator.h"
#include "memory/hbm_memory.h"
#include "platform_test_support.h"

using namespace sc_core;
using star::HbmConfig;
using star::HbmMemory;
using star::test::HbmTestInitiator;

namespace {
sc_time ns(double v) { return sc_time(v, SC_NS); }
void wait_until(const sc_time& t) { wait(t - sc_time_stamp()); }
}  // namespace

int sc_main(int, char*[]) {
  star::test::install_strict_reporting();

  // --- Interleaving split and configuration checks (no simulation needed).
  {
    star::ChannelScheduler s{HbmConfig{}};
    const auto b = s.split(128, 1024);
    CHECK_EQ(b[0], 128ull);
    CHECK_EQ(b[1], 256ull);
    CHECK_EQ(b[3], 256ull);
    CHECK_EQ(b[4], 128ull);
    CHECK_EQ(b[5], 0ull);
    // Starts on channel 15, three full rounds wrap back to channel 15, which takes the tail.
    const auto c = s.split(15 * 256, 16 * 256 * 3 + 10);
    CHECK_EQ(c[15], 768ull + 10);
    CHECK_EQ(c[0], 768ull);
    CHECK_EQ(c[7], 768ull);
    CHECK_TIME(s.transfer_time(100), ns(6.5));
    HbmConfig fast;
    fast.clock_hz = 3e9;  // 333.33 ps period: 3 cycles must still be exactly 1 ns
    CHECK_TIME(star::ChannelScheduler{fast}.transfer_time(24), ns(1));
    CHECK_TIME(star::ChannelScheduler{fast}.transfer_time(24 * 1000), ns(1000));
    HbmConfig bad;
    bad.channels = 0;
    CHECK_THROWS(bad.validate(), std::invalid_argument);
    bad = HbmConfig{};
    bad.interleave_bytes = 300;
    CHECK_THROWS(bad.validate(), std::invalid_argument);
    bad = HbmConfig{};
    bad.capacity_bytes = 1000;
    CHECK_THROWS(bad.validate(), std::invalid_argument);
    CHECK(HbmConfig{}.peak_bytes_per_second() == 256e9);
  }

  HbmMemory hbm("hbm");  // defaults
  HbmConfig small;
  small.channels = 2;
  small.clock_hz = 1e9;
  small.bytes_per_cycle = 4;
  small.interleave_bytes = 64;
  small.access_latency = ns(10);
  small.capacity_bytes = 1 << 20;
  HbmMemory sram_like("small", small);

  HbmTestInitiator a("a"), b("b"), c("c");
  a.socket.bind(hbm.socket);
  b.socket.bind(hbm.socket);
  c.socket.bind(sram_like.socket);

  sc_time stream_end;
  a.body = [&](HbmTestInitiator& self) {
    // 1. One burst on one channel.
    CHECK_TIME(self.read(0, 256).delay, ns(116));
    wait_until(ns(1000));
    CHECK_TIME(self.read(5 * 256, 100).delay, ns(106.5));

    // 2. Contention: a and b both hit channel 0 at 2 us; a is first (b yields a delta).
    wait_until(ns(2000));
    CHECK_TIME(self.read(0, 256).delay, ns(116));

    // 3. Interleaved burst: 8 KiB = 512 B on each of 16 channels = 64 cycles = 32 ns.
    wait_until(ns(3000));
    CHECK_TIME(self.read(0, 8192).delay, ns(132));
    for (unsigned ch = 0; ch < 16; ++ch) CHECK_TIME(hbm.scheduler().busy_until(ch), ns(3032));

    // 4. Unaligned: 1 KiB from 128 -> 128 B on ch0 and ch4, 256 B on ch1..3; the slowest wins.
    wait_until(ns(4000));
    CHECK_TIME(self.read(128, 1024).delay, ns(116));
    CHECK_TIME(hbm.scheduler().busy_until(0), ns(4008));
    CHECK_TIME(hbm.scheduler().busy_until(2), ns(4016));
    CHECK_TIME(hbm.scheduler().busy_until(4), ns(4008));
    CHECK_TIME(hbm.scheduler().busy_until(5), ns(3032));  // untouched

    // 5. Temporal decoupling: issued 50 ns ahead of kernel time, the returned delay counts from
    // now.
    wait_until(ns(5000));
    CHECK_TIME(self.read(0, 256, ns(50)).delay, ns(166));
    // ... and a request arriving while that one holds the channel waits for it.
    CHECK_TIME(self.read(16 * 256, 256, ns(60)).delay, ns(50 + 16 + 16 + 100));

    // 6. Writes cost the same as reads.
    wait_until(ns(6000));
    CHECK_TIME(self.write(256, 256).delay, ns(116));

    // 7. Streaming: 64 requests of 4 KiB issued back to back at the same local time via a
    // quantum keeper: 256 KiB over 256 GB/s = 1024 ns of transfer, then the latency.
    wait_until(ns(7000));
    tlm_utils::tlm_quantumkeeper qk;
    qk.reset();
    sc_time last;
    for (int i = 0; i < 64; ++i)
      last = self.read(std::uint64_t(i) * 4096, 4096, qk.get_local_time()).delay;
    stream_end = sc_time_stamp() + last;
    CHECK_TIME(last, ns(1024 + 100));

    // 8. Errors: no data moves and no time is added.
    wait_until(ns(9000));
    unsigned char buf[8] = {};
    const std::uint64_t cap = hbm.config().capacity_bytes;
    auto r = self.access(tlm::TLM_READ_COMMAND, cap, buf, 4);
    CHECK(r.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK_TIME(r.delay, SC_ZERO_TIME);
    CHECK(self.access(tlm::TLM_READ_COMMAND, cap - 4, buf, 8).status ==
          tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(self.access(tlm::TLM_READ_COMMAND, ~0ull - 2, buf, 8).status ==
          tlm::TLM_ADDRESS_ERROR_RESPONSE);
    unsigned char be[8] = {0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0};
    CHECK(self.access(tlm::TLM_WRITE_COMMAND, 0, buf, 8, SC_ZERO_TIME, be).status ==
          tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    CHECK(self.access(tlm::TLM_WRITE_COMMAND, 0, buf, 8, SC_ZERO_TIME, nullptr, 4).status ==
          tlm::TLM_BURST_ERROR_RESPONSE);
    r = self.access(tlm::TLM_IGNORE_COMMAND, 0, buf, 8);
    CHECK(r.status == tlm::TLM_OK_RESPONSE);
    CHECK_TIME(r.delay, SC_ZERO_TIME);
  };
  b.body = [&](HbmTestInitiator& self) {
    wait_until(ns(2000));
    wait(SC_ZERO_TIME);
    // Channel 0 (address 16 x 256 wraps to it) is busy with a's burst until 2016 ns.
    CHECK_TIME(self.read(16 * 256, 256).delay, ns(16 + 16 + 100));
    CHECK_TIME(hbm.scheduler().busy_until(0), ns(2032));
  };
  c.body = [&](HbmTestInitiator& self) {
    // 2 channels x 4 B/cycle at 1 GHz, 64 B interleave, 10 ns: 256 B = 128 B per channel
    // = 32 cycles = 32 ns, + 10 ns.
    CHECK_TIME(self.read(0, 256).delay, ns(42));
    // 64 B, one channel: 16 cycles + 10 ns.
    wait_until(ns(1000));
    CHECK_TIME(self.write(64, 64).delay, ns(26));
  };

  star::test::run();

  CHECK_EQ(hbm.reads(), 1ull + 1 + 1 + 1 + 1 + 2 + 1 + 64);
  CHECK_EQ(hbm.writes(), 1ull);
  CHECK_EQ(hbm.errors(), 5ull);
  CHECK_EQ(hbm.scheduler().bytes_written(1).value(), 256ull);
  CHECK_EQ(hbm.scheduler().bytes_written(0).value(), 0ull);
  // Channel 0's data-bus time: 16+16 (cases 1, 2a) +16 (2b) +32 (3) +8 (4) +16+16 (5) +64x16 (7).
  CHECK_TIME(hbm.scheduler().busy_time(0), ns(16 + 16 + 16 + 32 + 8 + 16 + 16 + 64 * 16));
  const double gbps = 64 * 4096 / ((stream_end - ns(7000) - ns(100)).to_seconds()) / 1e9;
  CHECK_MSG(gbps > 255.99 && gbps < 256.01, "streaming bandwidth " + std::to_string(gbps));
  std::printf("streaming 256 KiB: %.1f GB/s (peak 256)\n", gbps);
  return star::test::finish();
}
