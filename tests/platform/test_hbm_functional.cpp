// HbmMemory data path: the functional store round-trips through the bus (across pages and
// channels), untouched memory reads as zero, DMI and debug access see the same bytes, the store
// can be cleared (revoking DMI); performance mode keeps no data but has identical timing.
#include <systemc>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "bus/address_bus.h"
#include "hbm_test_initiator.h"
#include "memory/hbm_memory.h"
#include "platform_test_support.h"

using namespace sc_core;
using star::HbmConfig;
using star::HbmMemory;
using star::test::HbmTestInitiator;

namespace {
constexpr std::uint64_t kBase = 0x8000'0000;
constexpr std::uint64_t kWindow = 1ull << 30;  // the bus maps 1 GiB of the 8 GiB device
constexpr std::uint64_t kPage = 64 * 1024;

std::vector<unsigned char> pattern(std::size_t n, unsigned seed) {
  std::vector<unsigned char> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<unsigned char>((i * 131 + seed) >> 1);
  return v;
}
}  // namespace

int sc_main(int, char*[]) {
  star::test::install_strict_reporting();

  HbmMemory hbm("hbm");
  HbmConfig perf_cfg;
  perf_cfg.mode = star::DataMode::performance;
  perf_cfg.capacity_bytes = 64ull << 30;  // no store: any capacity costs nothing
  HbmMemory perf("perf", perf_cfg);
  star::AddressBus bus("bus");
  HbmTestInitiator host("host");
  HbmTestInitiator pi("perf_initiator");
  host.socket.bind(bus.target_socket);
  bus.initiator_socket.bind(hbm.socket);
  bus.map(kBase, kWindow, 0, "hbm");
  pi.socket.bind(perf.socket);

  // Backdoor misuse throws. Checked during elaboration: once SystemC has switched to its
  // coroutine stacks, ASan mis-tracks any later unwinding (see platform/CMakeLists.txt).
  std::vector<unsigned char> buf(300);
  CHECK_THROWS(hbm.load(hbm.config().capacity_bytes - 10, buf.data(), buf.size()),
               std::invalid_argument);
  CHECK_THROWS(hbm.dump(~0ull - 5, buf.data(), 16), std::invalid_argument);
  CHECK_THROWS(perf.load(0, buf.data(), 16), std::invalid_argument);
  CHECK_THROWS(perf.dump(0, buf.data(), 16), std::invalid_argument);

  std::vector<sc_time> functional_delays, performance_delays;
  host.body = [&](HbmTestInitiator& self) {
    // Round trip of 10000 bytes straddling the first page boundary (and 40 channels' granules).
    const std::uint64_t off = kPage - 100;
    auto data = pattern(10000, 7);
    auto r = self.access(tlm::TLM_WRITE_COMMAND, kBase + off, data.data(), data.size());
    CHECK(r.status == tlm::TLM_OK_RESPONSE);
    functional_delays.push_back(r.delay);
    std::vector<unsigned char> back(data.size(), 0xee);
    r = self.access(tlm::TLM_READ_COMMAND, kBase + off, back.data(), back.size());
    CHECK(r.status == tlm::TLM_OK_RESPONSE);
    functional_delays.push_back(r.delay);
    CHECK(back == data);
    CHECK_EQ(hbm.allocated_pages(), std::size_t{2});

    // Untouched memory reads as zero and allocates nothing.
    std::vector<unsigned char> z(4096, 0xee);
    CHECK(self.access(tlm::TLM_READ_COMMAND, kBase + (512ull << 20), z.data(), z.size()).status ==
          tlm::TLM_OK_RESPONSE);
    CHECK(std::all_of(z.begin(), z.end(), [](unsigned char b) { return b == 0; }));
    CHECK_EQ(hbm.allocated_pages(), std::size_t{2});

    // DMI: one page, in bus addresses; writes through it are seen by b_transport and dump().
    tlm::tlm_generic_payload t;
    tlm::tlm_dmi dmi;
    t.set_address(kBase + 3 * kPage + 5);
    t.set_command(tlm::TLM_READ_COMMAND);
    CHECK(self.socket->get_direct_mem_ptr(t, dmi));
    CHECK_EQ(dmi.get_start_address(), kBase + 3 * kPage);
    CHECK_EQ(dmi.get_end_address(), kBase + 4 * kPage - 1);
    CHECK(dmi.is_read_write_allowed());
    auto page = pattern(kPage, 3);
    std::memcpy(dmi.get_dmi_ptr(), page.data(), kPage);
    std::vector<unsigned char> via_tlm(256);
    CHECK(
        self.access(tlm::TLM_READ_COMMAND, kBase + 3 * kPage + 1000, via_tlm.data(), 256).status ==
        tlm::TLM_OK_RESPONSE);
    CHECK(std::equal(via_tlm.begin(), via_tlm.end(), page.begin() + 1000));
    std::vector<unsigned char> dumped(kPage);
    hbm.dump(3 * kPage, dumped.data(), kPage);
    CHECK(dumped == page);

    // Backdoor load, seen through the debug interface.
    const auto img = pattern(300, 11);
    hbm.load(7 * kPage - 150, img.data(), img.size());
    std::vector<unsigned char> dbg(300);
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(kBase + 7 * kPage - 150);
    t.set_data_ptr(dbg.data());
    t.set_data_length(300);
    t.set_streaming_width(300);
    CHECK_EQ(self.socket->transport_dbg(t), 300u);
    CHECK(dbg == img);

    // Clearing the store revokes DMI; the bus translates and clips the range to its window.
    hbm.clear_store();
    CHECK_EQ(hbm.allocated_pages(), std::size_t{0});
    CHECK(self.access(tlm::TLM_READ_COMMAND, kBase + off, back.data(), 16).status ==
          tlm::TLM_OK_RESPONSE);
    CHECK(std::all_of(back.begin(), back.begin() + 16, [](unsigned char b) { return b == 0; }));
  };

  pi.body = [&](HbmTestInitiator& self) {
    // The same accesses as the host's first two, with no store behind them.
    const std::uint64_t off = kPage - 100;
    auto data = pattern(10000, 7);
    auto r = self.access(tlm::TLM_WRITE_COMMAND, off, data.data(), data.size());
    CHECK(r.status == tlm::TLM_OK_RESPONSE);
    performance_delays.push_back(r.delay);
    std::vector<unsigned char> back(data.size(), 0xab);
    r = self.access(tlm::TLM_READ_COMMAND, off, back.data(), back.size());
    CHECK(r.status == tlm::TLM_OK_RESPONSE);
    performance_delays.push_back(r.delay);
    CHECK(std::all_of(back.begin(), back.end(), [](unsigned char b) { return b == 0xab; }));
    CHECK_EQ(perf.allocated_pages(), std::size_t{0});
    // Far beyond what a functional store could hold in this process.
    CHECK(self.read(60ull << 30, 4096).status == tlm::TLM_OK_RESPONSE);
    tlm::tlm_generic_payload t;
    tlm::tlm_dmi dmi;
    t.set_address(0);
    CHECK(!self.socket->get_direct_mem_ptr(t, dmi));
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_data_ptr(back.data());
    t.set_data_length(16);
    t.set_streaming_width(16);
    CHECK_EQ(self.socket->transport_dbg(t), 0u);
    CHECK(t.get_response_status() == tlm::TLM_GENERIC_ERROR_RESPONSE);
  };

  star::test::run();

  CHECK_EQ(host.invalidations.size(), std::size_t{1});
  if (!host.invalidations.empty()) {
    CHECK_EQ(host.invalidations[0].first, kBase);
    CHECK_EQ(host.invalidations[0].second, kBase + kWindow - 1);
  }
  CHECK(functional_delays.size() == 2 && functional_delays == performance_delays);
  // Both modes booked the same bytes for the shared accesses.
  CHECK_EQ(perf.scheduler().bytes_written(15).value(), hbm.scheduler().bytes_written(15).value());
  return star::test::finish();
}
