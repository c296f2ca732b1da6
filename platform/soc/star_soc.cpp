#include "soc/star_soc.h"

#include <stdexcept>

namespace star {

StarSoc::StarSoc(const sc_core::sc_module_name& name, const SocConfig& cfg)
    : sc_core::sc_module(name),
      memory("memory", cfg.memory),
      bus("bus", cfg.bus_latency),
      core("core", cfg.core),
      cfg_(cfg) {
  core.fetcher.socket.bind(bus.target_socket);
  bus.initiator_socket.bind(memory.socket);
  bus.map(0, cfg.memory.capacity_bytes, 0, "hbm");
}

sc_core::sc_time StarSoc::run(const CoreJob& job, PerformanceWorkload perf,
                              std::vector<CellWork> replay) {
  // A bad job is refused before any simulation (core.start checks it again).
  job.validate(core.config(), memory_bytes());
  // Finish elaboration first: the bus's address map is complete only then.
  if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  core.start(job, functional(), memory_bytes(), perf, std::move(replay));
  while (core.busy()) sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_MS));
  if (core.fetcher.errors() > 0)
    throw std::runtime_error("job finished with " + std::to_string(core.fetcher.errors()) +
                             " memory error(s); first: " + core.fetcher.first_error());
  return core.job_time();
}

}  // namespace star
