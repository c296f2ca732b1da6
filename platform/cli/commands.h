// The star-sim subcommands. Each returns the process exit code: 0 success, 1 a run failed,
// 2 the scenario is invalid (the messages name file, line, column, key and allowed values).
#pragma once

#include <string>
#include <vector>

namespace star {

struct CommandOptions {
  std::string scenario;                 // path of the YAML file
  std::vector<std::string> overrides;   // -s key=value, in order
  std::string output_dir;               // -o DIR ("" = outputs.dir)
  bool quiet = false;                   // no summary table on stdout, no progress
  double progress_after_s = 3.0;        // run: progress on stderr once a run takes this long
  unsigned jobs = 0;                    // sweep: parallel workers (0 = sweep.workers, else cores)
  bool sweep_point = false;             // run: started by a sweep for one point (its overrides
                                        // are in `overrides`; the sweep was validated already)
};

int validate_command(const CommandOptions& o);
int run_command(const CommandOptions& o);
int sweep_command(const CommandOptions& o, const std::string& self_exe);

// "0.1.0 (git abc1234)"
std::string star_sim_version();

}  // namespace star
