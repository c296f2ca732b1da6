// A bus master for the register-bank tests: runs a script in an SC_THREAD, issuing single 32-bit
// transactions and waiting out each annotated delay (so every access happens at a known time).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

namespace star::test {

class RegInitiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<RegInitiator> socket;
  std::function<void(RegInitiator&)> script;
  sc_core::sc_time last_delay;  // delay the target annotated on the last access

  SC_HAS_PROCESS(RegInitiator);
  explicit RegInitiator(const sc_core::sc_module_name& name) : sc_module(name), socket("socket") {
    SC_THREAD(run);
  }

  tlm::tlm_response_status write(std::uint64_t addr, std::uint32_t value) {
    unsigned char buf[4];
    std::memcpy(buf, &value, 4);
    return access(tlm::TLM_WRITE_COMMAND, addr, buf, 4);
  }
  tlm::tlm_response_status read(std::uint64_t addr, std::uint32_t& value) {
    unsigned char buf[4] = {0, 0, 0, 0};
    const auto status = access(tlm::TLM_READ_COMMAND, addr, buf, 4);
    std::memcpy(&value, buf, 4);
    return status;
  }
  std::uint32_t read(std::uint64_t addr) {
    std::uint32_t v = 0xDEADBEEF;
    read(addr, v);
    return v;
  }
  // Any shape of access, for the illegal ones.
  tlm::tlm_response_status access(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data,
                                  unsigned length, unsigned char* byte_enables = nullptr,
                                  unsigned byte_enable_length = 0) {
    tlm::tlm_generic_payload trans;
    trans.set_command(cmd);
    trans.set_address(addr);
    trans.set_data_ptr(data);
    trans.set_data_length(length);
    trans.set_streaming_width(length);
    trans.set_byte_enable_ptr(byte_enables);
    trans.set_byte_enable_length(byte_enable_length);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(trans, delay);
    last_delay = delay;
    wait(delay);
    return trans.get_response_status();
  }
  unsigned debug(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, unsigned length) {
    tlm::tlm_generic_payload trans;
    trans.set_command(cmd);
    trans.set_address(addr);
    trans.set_data_ptr(data);
    trans.set_data_length(length);
    return socket->transport_dbg(trans);
  }

 private:
  void run() {
    if (script) script(*this);
  }
};

}  // namespace star::test
