// AddressBus: decoding and address rebasing, bus latency, address-error responses (unmapped,
// crossing a range's end), overlap detection, debug transport, DMI translation and invalidation.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <array>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <vector>

#include "bus/address_bus.h"
#include "platform_test_support.h"
#include "stats/stats_registry.h"

using namespace sc_core;
using star::AddressBus;

namespace {

// A 4 KiB memory that remembers what the bus handed it.
struct RecordingTarget : sc_module {
  tlm_utils::simple_target_socket<RecordingTarget> socket{"socket"};
  std::array<unsigned char, 4096> mem{};
  std::uint64_t last_address = ~0ull;
  int calls = 0;
  sc_time latency{10, SC_NS};

  explicit RecordingTarget(sc_module_name n) : sc_module(n) {
    socket.register_b_transport(this, &RecordingTarget::b_transport);
    socket.register_transport_dbg(this, &RecordingTarget::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &RecordingTarget::get_dmi);
  }
  bool access(tlm::tlm_generic_payload& t) {
    last_address = t.get_address();
    if (t.get_address() + t.get_data_length() > mem.size()) {
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return false;
    }
    if (t.is_read())
      std::memcpy(t.get_data_ptr(), &mem[t.get_address()], t.get_data_length());
    else
      std::memcpy(&mem[t.get_address()], t.get_data_ptr(), t.get_data_length());
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time& d) {
    ++calls;
    d += latency;
    access(t);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& t) {
    return access(t) ? t.get_data_length() : 0;
  }
  bool get_dmi(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    dmi.set_dmi_ptr(mem.data());
    dmi.set_start_address(0);
    dmi.set_end_address(mem.size() - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(sc_time(2, SC_NS));
    dmi.set_write_latency(sc_time(3, SC_NS));
    return true;
  }
  void revoke(std::uint64_t s, std::uint64_t e) { socket->invalidate_direct_mem_ptr(s, e); }
};

struct TestInitiator : sc_module {
  tlm_utils::simple_initiator_socket<TestInitiator> socket{"socket"};
  std::vector<std::pair<std::uint64_t, std::uint64_t>> invalidations;
  std::function<void(TestInitiator&)> body;
  tlm_utils::tlm_quantumkeeper qk;

  SC_HAS_PROCESS(TestInitiator);
  explicit TestInitiator(sc_module_name n) : sc_module(n) {
    socket.register_invalidate_direct_mem_ptr(this, &TestInitiator::invalidate);
    SC_THREAD(run);
  }
  void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { invalidations.emplace_back(s, e); }
  void run() {
    qk.reset();
    if (body) body(*this);
  }
  // One transaction issued at the quantum keeper's local time; returns the response status and
  // the delay the bus and target added.
  tlm::tlm_response_status access(tlm::tlm_command cmd, std::uint64_t addr, void* data,
                                  unsigned len, sc_time* added = nullptr,
                                  std::uint64_t* addr_after = nullptr) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(len);
    t.set_streaming_width(len);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = qk.get_local_time();
    const sc_time before = delay;
    socket->b_transport(t, delay);
    if (added) *added = delay - before;
    if (addr_after) *addr_after = t.get_address();
    qk.set(delay);
    if (qk.need_sync()) qk.sync();
    return t.get_response_status();
  }
};

}  // namespace

int sc_main(int, char*[]) {
  star::test::install_strict_reporting();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(1, SC_US));

  // --- The address map on its own (no simulation needed).
  {
    star::AddressMap m;
    m.add(0x1000, 0x100, 0, "regs");
    m.add(0x8000'0000, 0x1000, 1, "mem");
    CHECK(m.find(0x0fff) == nullptr);
    CHECK(m.find(0x1000) && m.find(0x1000)->target == 0);
    CHECK(m.find(0x10ff) && m.find(0x10ff)->target == 0);
    CHECK(m.find(0x1100) == nullptr);
    CHECK(m.find(0x8000'0fff) && m.find(0x8000'0fff)->target == 1);
    CHECK(m.find(0x8000'1000) == nullptr);
    CHECK(m.find(~0ull) == nullptr);
    std::string msg;
    try {
      m.add(0x7fff'ff00, 0x200, 2, "dma");
    } catch (const std::invalid_argument& e) {
      msg = e.what();
    }
    CHECK_MSG(msg.find("dma") != std::string::npos && msg.find("mem") != std::string::npos &&
                  msg.find("0x80000000") != std::string::npos,
              "overlap message names both ranges: '" + msg + "'");
    CHECK_THROWS(m.add(0x10f0, 0x20, 2, "inside-regs-tail"), std::invalid_argument);
    CHECK_THROWS(m.add(0x0f00, 0x2000, 2, "covers-regs"), std::invalid_argument);
    CHECK_THROWS(m.add(0x5000, 0, 2, "empty"), std::invalid_argument);
    CHECK_THROWS(m.add(~0ull - 0xf, 0x20, 2, "wraps"), std::invalid_argument);
    m.add(0x1100, 0x100, 2, "adjacent");   // touching is not overlapping
    m.add(~0ull - 0xff, 0x100, 3, "top");  // up to the last address
    CHECK(m.find(~0ull) && m.find(~0ull)->target == 3);
    CHECK(m.ranges().size() == 4);
  }

  // --- Elaborated platform: two initiators, two targets.
  TestInitiator cpu("cpu"), fetcher("fetcher");
  RecordingTarget regs("regs"), mem("mem");
  AddressBus bus("bus", sc_time(5, SC_NS));
  cpu.socket.bind(bus.target_socket);
  fetcher.socket.bind(bus.target_socket);
  bus.initiator_socket.bind(regs.socket);
  bus.initiator_socket.bind(mem.socket);
  bus.map(0x1000, 0x100, 0, "regs");  // only a 256-byte window of the 4 KiB target
  bus.map(0x8000'0000, 0x1000, 1, "mem");
  CHECK_THROWS(bus.map(0x8000'0800, 0x10, 0, "clash"), std::invalid_argument);

  bool cpu_done = false, fetcher_done = false;
  cpu.body = [&](TestInitiator& self) {
    std::uint32_t v = 0xdeadbeef, r = 0;
    sc_time added;
    std::uint64_t addr_after = 0;
    CHECK(self.access(tlm::TLM_WRITE_COMMAND, 0x8000'0010, &v, 4, &added, &addr_after) ==
          tlm::TLM_OK_RESPONSE);
    CHECK_EQ(mem.last_address, 0x10ull);    // rebased to the target's offset
    CHECK_EQ(addr_after, 0x8000'0010ull);   // and restored for the initiator
    CHECK_TIME(added, sc_time(15, SC_NS));  // bus 5 ns + target 10 ns
    CHECK(self.access(tlm::TLM_READ_COMMAND, 0x8000'0010, &r, 4) == tlm::TLM_OK_RESPONSE);
    CHECK_EQ(r, 0xdeadbeefu);
    CHECK(self.access(tlm::TLM_READ_COMMAND, 0x1004, &r, 4) == tlm::TLM_OK_RESPONSE);
    CHECK_EQ(regs.last_address, 0x4ull);

    // Errors: unmapped, crossing the end of a range, the top of the address space.
    const int calls = regs.calls + mem.calls;
    CHECK(self.access(tlm::TLM_READ_COMMAND, 0x2000, &r, 4, &added) ==
          tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK_TIME(added, SC_ZERO_TIME);
    CHECK(self.access(tlm::TLM_WRITE_COMMAND, 0x8000'0ffe, &v, 4) ==
          tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(self.access(tlm::TLM_READ_COMMAND, 0x10fc, &r, 8) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(self.access(tlm::TLM_READ_COMMAND, ~0ull - 1, &r, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK_EQ(regs.calls + mem.calls, calls);  // no target saw any of them
    CHECK_EQ(bus.address_errors(), 4ull);
    CHECK(self.access(tlm::TLM_READ_COMMAND, 0x8000'0ffc, &r, 4) == tlm::TLM_OK_RESPONSE);

    // Debug transport: translated, untimed.
    std::uint64_t dbg = 0x0123456789abcdefull;
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_address(0x8000'0100);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&dbg));
    t.set_data_length(8);
    t.set_streaming_width(8);
    CHECK_EQ(self.socket->transport_dbg(t), 8u);
    CHECK_EQ(t.get_address(), 0x8000'0100ull);
    std::uint64_t back = 0;
    std::memcpy(&back, &mem.mem[0x100], 8);
    CHECK_EQ(back, dbg);
    t.set_address(0x3000);
    CHECK_EQ(self.socket->transport_dbg(t), 0u);
    CHECK(t.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE);

    // DMI: the target's local region comes back in bus addresses, clipped to the window.
    tlm::tlm_dmi dmi;
    t.set_address(0x1010);
    CHECK(self.socket->get_direct_mem_ptr(t, dmi));
    CHECK_EQ(dmi.get_start_address(), 0x1000ull);
    CHECK_EQ(dmi.get_end_address(), 0x10ffull);  // the target offered 4 KiB; the window is 256 B
    CHECK(dmi.get_dmi_ptr() == regs.mem.data());
    CHECK_TIME(dmi.get_read_latency(), sc_time(7, SC_NS));
    CHECK_TIME(dmi.get_write_latency(), sc_time(8, SC_NS));
    tlm::tlm_dmi dmi2;
    t.set_address(0x8000'0040);
    CHECK(self.socket->get_direct_mem_ptr(t, dmi2));
    CHECK_EQ(dmi2.get_start_address(), 0x8000'0000ull);
    CHECK_EQ(dmi2.get_end_address(), 0x8000'0fffull);
    dmi2.get_dmi_ptr()[0x40] = 0x5a;  // a DMI write is seen by a normal read
    unsigned char byte = 0;
    CHECK(self.access(tlm::TLM_READ_COMMAND, 0x8000'0040, &byte, 1) == tlm::TLM_OK_RESPONSE);
    CHECK_EQ(byte, 0x5a);
    tlm::tlm_dmi dmi3;
    t.set_address(0x4000);
    CHECK(!self.socket->get_direct_mem_ptr(t, dmi3));

    // Invalidation from a target reaches every initiator in bus addresses.
    mem.revoke(0x20, 0x2f);
    regs.revoke(0, ~0ull);
    cpu_done = true;
  };
  fetcher.body = [&](TestInitiator& self) {
    // A second initiator sharing the bus, issuing ahead in local time (temporal decoupling).
    self.qk.inc(sc_time(100, SC_NS));
    std::uint16_t v = 0xbeef;
    sc_time added;
    CHECK(self.access(tlm::TLM_WRITE_COMMAND, 0x8000'0200, &v, 2, &added) == tlm::TLM_OK_RESPONSE);
    CHECK_TIME(added, sc_time(15, SC_NS));
    CHECK_TIME(self.qk.get_current_time(), sc_time(115, SC_NS));
    fetcher_done = true;
  };

  star::StatsRegistry reg;
  bus.register_stats(reg);

  star::test::run();

  CHECK(cpu_done && fetcher_done);
  for (TestInitiator* ini : {&cpu, &fetcher}) {
    CHECK_EQ(ini->invalidations.size(), std::size_t{2});
    if (ini->invalidations.size() == 2) {
      CHECK_EQ(ini->invalidations[0].first, 0x8000'0020ull);
      CHECK_EQ(ini->invalidations[0].second, 0x8000'002full);
      CHECK_EQ(ini->invalidations[1].first, 0x1000ull);
      CHECK_EQ(ini->invalidations[1].second, 0x10ffull);
    }
  }
  std::uint16_t v = 0;
  std::memcpy(&v, &mem.mem[0x200], 2);
  CHECK_EQ(v, 0xbeef);
  // cpu: 3 good, 4 failing, 1 good, 1 after the DMI write; fetcher: 1.
  CHECK_EQ(std::get<std::uint64_t>(reg.sample("bus.transactions")), 10ull);
  CHECK_EQ(std::get<std::uint64_t>(reg.sample("bus.address_errors")), 4ull);
  CHECK_EQ(std::get<std::uint64_t>(reg.sample("bus.bytes")), 4ull + 4 + 4 + 4 + 1 + 2);
  return star::test::finish();
}
