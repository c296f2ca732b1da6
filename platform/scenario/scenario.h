// A scenario as read from its YAML file and `-s key=value` overrides: the keys it gives (with
// where each came from) and its sweep section. resolve() (resolved_scenario.h) fills in every
// default and checks the values against each other.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenario/scenario_schema.h"

namespace star {

struct SourceLocation {
  std::string file;  // file name, or "-s" for a command-line override
  int line = 0, column = 0;  // 1-based; 0 when unknown
  std::string text() const;  // "file:line:column" (or less when unknown)
};

struct ScenarioIssue {
  SourceLocation where;
  std::string key;  // dotted key, empty when the problem is not one key's
  std::string message;
  std::string text() const;  // "file:line:col: error: key: message"
};

// Every problem found in a scenario (all are reported, not only the first).
class ScenarioError : public std::invalid_argument {
 public:
  explicit ScenarioError(std::vector<ScenarioIssue> issues);
  const std::vector<ScenarioIssue>& issues() const { return issues_; }

 private:
  std::vector<ScenarioIssue> issues_;
};

// A typed value of one key (see ValueKind): numbers in base units, booleans as 0/1.
struct Value {
  bool is_auto = false;
  double number = 0;
  std::string text;
  std::vector<std::string> list;
};

struct Setting {
  Value value;
  SourceLocation where;
  std::string source_text;  // the value as written (YAML flow text), for sweep labels
};

// One sweep point's change of one key; `value` is YAML text ("0.25", "[core.*]").
struct SweepOverride {
  std::string key, value;
  SourceLocation where;
};

// `sweep:` section: a cartesian grid over keys and/or explicit points (each a set of overrides).
// Points = every combination of the grid's values, then each explicit point (merged onto the
// base scenario, grid not applied). workers = 0: one per core.
struct SweepSpec {
  bool present = false;
  SourceLocation where;
  unsigned workers = 0;
  struct Axis {
    std::string key;
    std::vector<SweepOverride> values;
  };
  std::vector<Axis> grid;
  std::vector<std::vector<SweepOverride>> points;
};

struct Scenario {
  std::string file;                        // path it was read from ("" when from text)
  std::map<std::string, Setting> given;    // keys set by the file or overrides
  SweepSpec sweep;
};

// Parses a value for `spec`, throws std::invalid_argument with the reason and allowed values.
Value parse_value(const KeySpec& spec, const std::string& yaml_text);

// Reads a scenario; throws ScenarioError listing every unknown key, wrong type or out-of-range
// value with its file, line and column.
Scenario load_scenario_file(const std::string& path);
Scenario load_scenario_text(const std::string& text, const std::string& file_name);

// `key=value` (value in YAML: `workload.keep=0.5`, `tracing.modules=[core.*]`). Throws
// ScenarioError naming the override.
void apply_override(Scenario& s, const std::string& assignment);
void apply_override(Scenario& s, const SweepOverride& o);

// `text` as a YAML double-quoted scalar (for paths in overrides).
std::string yaml_quoted(const std::string& text);

// The closest known key to a misspelt one ("" when nothing is close), for "did you mean".
std::string closest_key(const std::string& key);

}  // namespace star
