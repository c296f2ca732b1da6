#include "host/job_engine.h"

namespace star {

std::uint64_t StarCoreEngine::written() const {
  std::uint64_t w = 0;
  for (int s = 0; s <= int(Stage::output); ++s) w += core_.fetcher.bytes(Stage(s), Direction::write);
  return w;
}

void StarCoreEngine::start(const CoreJob& job) {
  core_.start(job, functional_, memory_bytes_);
  read0_ = core_.fetcher.dram_bytes();
  written0_ = written();
}

JobOutcome StarCoreEngine::outcome() const {
  JobOutcome o;
  o.cycles = core_.job_cycles();
  o.dram_write_bytes = written() - written0_;
  o.dram_read_bytes = (core_.fetcher.dram_bytes() - read0_) - o.dram_write_bytes;
  o.memory_error = core_.fetcher.errors() > 0;
  return o;
}

}  // namespace star
