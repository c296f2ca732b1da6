// star-sim: runs STAR-VP scenarios.
//   star-sim run SCENARIO [-s key=value ...] [-o DIR]   one run, outputs in DIR
//   star-sim validate SCENARIO [-s key=value ...]       check only
//   star-sim sweep SCENARIO [-s key=value ...] [-o DIR] [-j N]   every point of its sweep section
// Our own main() replaces SystemC's so that its banner (printed before sc_main) stays off stderr;
// it enters the kernel through sc_elab_and_sim as the library's main() would. Only `run`
// elaborates a platform.
#include <CLI/CLI.hpp>
#include <systemc>

#include <cstdlib>

#include "commands.h"
#include "scenario/schema_doc.h"

int sc_main(int argc, char* argv[]) {
  using star::CommandOptions;
  CLI::App app{"star-sim: STAR-VP scenario runner (docs/scenarios.md)"};
  app.set_version_flag("--version", star::star_sim_version());
  app.require_subcommand(1);
  CommandOptions run_o, val_o, sweep_o;
  auto common = [](CLI::App* sub, CommandOptions& o, bool output) {
    sub->add_option("SCENARIO", o.scenario, "scenario YAML file")->required()->check(CLI::ExistingFile);
    sub->add_option("-s,--set", o.overrides, "override a key: -s workload.keep=0.5 (repeatable)")
        ->allow_extra_args(false)->take_all();
    if (output) sub->add_option("-o,--output", o.output_dir, "output folder (default: outputs.dir)");
  };
  CLI::App* run = app.add_subcommand("run", "run one scenario: summary on stdout, outputs in the output folder");
  common(run, run_o, true);
  run->add_flag("-q,--quiet", run_o.quiet, "no summary table and no progress");
  run->add_option("--progress-after", run_o.progress_after_s,
                  "seconds of wall time before progress lines start (default 3)")
      ->check(CLI::NonNegativeNumber);
  run->add_flag("--sweep-point", run_o.sweep_point, "(used by sweep) one point of a validated sweep")->group("");
  CLI::App* validate = app.add_subcommand("validate", "check a scenario (and its sweep points) without running it");
  common(validate, val_o, false);
  CLI::App* sweep = app.add_subcommand("sweep", "run every point of the scenario's sweep section, one process each");
  common(sweep, sweep_o, true);
  sweep->add_flag("-q,--quiet", sweep_o.quiet, "no summary table");
  sweep->add_option("-j,--jobs", sweep_o.jobs, "parallel workers (default: sweep.workers, else all cores)");
  CLI::App* keys = app.add_subcommand("keys", "print the scenario key reference (Markdown, as in docs/scenarios.md)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (*run) return star::run_command(run_o);
    if (*validate) return star::validate_command(val_o);
    if (*keys) {
      std::fputs(star::schema_markdown().c_str(), stdout);
      std::fputs("\n", stdout);
      std::fputs(star::presets_markdown().c_str(), stdout);
      return 0;
    }
    return star::sweep_command(sweep_o, "/proc/self/exe");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "star-sim: error: %s\n", e.what());
    return 1;
  }
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
