// A test initiator for the HBM tests: issues single transactions with an explicit local-time
// offset (temporal decoupling) and reports the annotated delay it got back.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <functional>
#include <vector>

namespace star::test {

struct HbmTestInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<HbmTestInitiator> socket{"socket"};
  std::function<void(HbmTestInitiator&)> body;

  SC_HAS_PROCESS(HbmTestInitiator);
  explicit HbmTestInitiator(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    socket.register_invalidate_direct_mem_ptr(this, &HbmTestInitiator::invalidate);
    SC_THREAD(run);
  }
  // DMI invalidations received, as (start, end).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> invalidations;
  void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { invalidations.emplace_back(s, e); }
  void run() {
    if (body) body(*this);
  }

  struct Result {
    tlm::tlm_response_status status;
    sc_core::sc_time delay;  // the delay after b_transport (includes the offset passed in)
  };
  Result access(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, unsigned len,
                sc_core::sc_time offset = sc_core::SC_ZERO_TIME,
                unsigned char* byte_enable = nullptr, unsigned streaming_width = 0) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(data);
    t.set_data_length(len);
    t.set_streaming_width(streaming_width ? streaming_width : len);
    if (byte_enable) {
      t.set_byte_enable_ptr(byte_enable);
      t.set_byte_enable_length(len);
    }
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(t, offset);
    return {t.get_response_status(), offset};
  }
  Result read(std::uint64_t addr, unsigned len, sc_core::sc_time offset = sc_core::SC_ZERO_TIME) {
    buffer.assign(len, 0);
    return access(tlm::TLM_READ_COMMAND, addr, buffer.data(), len, offset);
  }
  Result write(std::uint64_t addr, unsigned len, sc_core::sc_time offset = sc_core::SC_ZERO_TIME) {
    buffer.assign(len, 0xa5);
    return access(tlm::TLM_WRITE_COMMAND, addr, buffer.data(), len, offset);
  }
  std::vector<unsigned char> buffer;
};

}  // namespace star::test
