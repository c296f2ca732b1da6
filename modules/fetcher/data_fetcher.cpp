#include "fetcher/data_fetcher.h"

#include <algorithm>
#include <stdexcept>

#include "memory/timing_only.h"
#include "stats/stats_registry.h"
#include "tracing/bandwidth_monitor.h"

namespace star {

DataFetcher::DataFetcher(const sc_core::sc_module_name& name, const CoreConfig& cfg)
    : sc_core::sc_module(name), socket("socket"), cfg_(cfg),
      period_(sc_core::sc_time(cfg.period_ns(), sc_core::SC_NS)),
      scratch_(cfg.max_burst_bytes) {}

sc_core::sc_time DataFetcher::transfer(Stage stage, Direction dir, std::uint64_t addr,
                                       std::uint64_t bytes, const sc_core::sc_time& start,
                                       std::uint64_t max_burst) {
  if (max_burst == 0) max_burst = cfg_.max_burst_bytes;
  bytes_[static_cast<std::size_t>(stage)][dir == Direction::read ? 0 : 1] += bytes;
  sc_core::sc_time done = std::max(start, sc_core::sc_time_stamp());
  TimingOnly marker;
  tlm::tlm_generic_payload trans;
  trans.set_extension(&marker);
  // The marker lives on this stack: detach it on every way out (an exception from the target
  // would otherwise make the payload's destructor free it).
  struct Detach {
    tlm::tlm_generic_payload& t;
    TimingOnly& m;
    ~Detach() { t.clear_extension(&m); }
  } detach{trans, marker};
  for (std::uint64_t off = 0; off < bytes; off += max_burst) {
    const std::uint64_t len = std::min<std::uint64_t>(max_burst, bytes - off);
    // A target may wait inside b_transport (the mesh's network interface waits the round trip):
    // each burst's delay is annotated relative to the time of its own call.
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    // The interface serialises the bursts of every stage.
    const sc_core::sc_time issue = std::max(std::max(start, now), iface_free_);
    const std::uint64_t cycles = (len + cfg_.fetch_bytes_per_cycle - 1) / cfg_.fetch_bytes_per_cycle;
    iface_free_ = issue + period_ * static_cast<double>(cycles);
    iface_busy_ += period_ * static_cast<double>(cycles);
    trans.set_command(dir == Direction::read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
    trans.set_address(addr + off);
    // Timing-only: nobody copies the payload. Bursts longer than the configured maximum (batched
    // performance-mode cells, no data at all) carry no buffer.
    trans.set_data_ptr(len <= scratch_.size() ? scratch_.data() : nullptr);
    trans.set_data_length(static_cast<unsigned>(len));
    trans.set_streaming_width(static_cast<unsigned>(len));
    trans.set_byte_enable_ptr(nullptr);
    trans.set_dmi_allowed(false);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = issue - now;
    socket->b_transport(trans, delay);
    if (trans.is_response_error()) {
      if (errors_.value() == 0)
        first_error_ = "memory error (" + trans.get_response_string() + ") at address " +
                       std::to_string(addr + off) + ", " + std::to_string(len) + " bytes";
      ++errors_;
      continue;
    }
    ++bursts_;
    const sc_core::sc_time end = sc_core::sc_time_stamp() + delay;
    done = std::max(done, end);
    if (monitor_) monitor_->record(len, issue, end);
  }
  return done;
}

void DataFetcher::debug(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data,
                        std::uint64_t len) {
  tlm::tlm_generic_payload trans;
  trans.set_command(cmd);
  trans.set_address(addr);
  trans.set_data_ptr(data);
  trans.set_data_length(static_cast<unsigned>(len));
  trans.set_streaming_width(static_cast<unsigned>(len));
  if (socket->transport_dbg(trans) == len) return;
  if (errors_.value() == 0)
    first_error_ = "debug access of " + std::to_string(len) + " bytes at address " +
                   std::to_string(addr) + " failed";
  ++errors_;
  if (cmd == tlm::TLM_READ_COMMAND) std::fill(data, data + len, 0);
}

void DataFetcher::read_data(std::uint64_t addr, void* dst, std::uint64_t len) {
  constexpr std::uint64_t kChunk = 1u << 20;
  for (std::uint64_t off = 0; off < len; off += kChunk)
    debug(tlm::TLM_READ_COMMAND, addr + off, static_cast<unsigned char*>(dst) + off,
          std::min(kChunk, len - off));
}

void DataFetcher::write_data(std::uint64_t addr, const void* src, std::uint64_t len) {
  constexpr std::uint64_t kChunk = 1u << 20;
  for (std::uint64_t off = 0; off < len; off += kChunk)
    debug(tlm::TLM_WRITE_COMMAND, addr + off,
          const_cast<unsigned char*>(static_cast<const unsigned char*>(src)) + off,
          std::min(kChunk, len - off));
}

std::uint64_t DataFetcher::dram_bytes() const {
  std::uint64_t total = 0;
  for (const auto& s : bytes_) total += s[0].value() + s[1].value();
  return total;
}

void DataFetcher::reset_stats() {
  for (auto& s : bytes_) s[0].reset(), s[1].reset();
  bursts_.reset();
  errors_.reset();
  first_error_.clear();
  iface_busy_ = sc_core::SC_ZERO_TIME;
}

void DataFetcher::register_stats(StatsRegistry& reg, const std::string& prefix) const {
  for (std::size_t s = 0; s < kStageCount; ++s) {
    const std::string st = to_string(static_cast<Stage>(s));
    reg.add_counter(prefix + ".dram_read_bytes_" + st, bytes_[s][0], "bytes",
                    "DRAM bytes read for the " + st + " stage");
    reg.add_counter(prefix + ".dram_write_bytes_" + st, bytes_[s][1], "bytes",
                    "DRAM bytes written for the " + st + " stage");
  }
  reg.add_counter(prefix + ".bursts", bursts_, "1", "memory bursts issued");
  reg.add_counter(prefix + ".memory_errors", errors_, "1",
                  "bursts the memory answered with an error response");
  reg.add_value(prefix + ".interface_busy_ns", [this] { return iface_busy_.to_seconds() * 1e9; },
                "ns", "time the fetcher's memory interface was moving data");
}

}  // namespace star
