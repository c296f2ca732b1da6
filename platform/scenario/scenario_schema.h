// The one scenario schema: every key of a scenario file, its type, unit, range, default and
// meaning. The loader, the resolved-scenario writer, sweeps, overrides (-s key=value) and
// docs/scenarios.md all follow this table, so they cannot disagree.
#pragma once

#include <string>
#include <vector>

#include "scenario/units.h"

namespace star {

enum class ValueKind {
  integer,    // whole number in [min, max]
  real,       // number in [min, max] (min exclusive when min_open)
  boolean,    // true / false
  choice,     // one of `choices`
  quantity,   // number with a unit of `dimension`, in [min, max] base units
  text,       // free string
  text_list,  // list of strings (a single string is a list of one)
};

struct KeySpec {
  std::string key;  // dotted path: "platform.core.clock"
  ValueKind kind = ValueKind::integer;
  Dimension dimension = Dimension::bytes;  // quantity only
  double min = 0, max = 0;                 // integer, real, quantity
  bool min_open = false;                   // real: (min, max]
  std::vector<std::string> choices;        // choice
  bool allows_auto = false;                // "auto": computed at resolution (see doc)
  std::string default_text;                // as written in YAML; "auto" or "from model" allowed
  std::string doc;
};

const std::vector<KeySpec>& scenario_schema();
const KeySpec* find_key_spec(const std::string& key);  // nullptr when unknown

// Keys directly below a dotted prefix ("" for the top level), for "allowed keys" messages.
std::vector<std::string> child_names(const std::string& prefix);
bool is_section(const std::string& prefix);  // some key starts with "prefix."

// The allowed values of a key as text: "[1, 4096]", "dlzs, slzs, int4, exact", "(0, 1]".
std::string allowed_text(const KeySpec& spec);

// Workload presets: the shapes a `workload.model` sets unless the scenario gives them.
struct ModelPreset {
  std::string name;
  unsigned seq_len, heads, kv_heads, head_dim, d_model;
  bool causal;
  std::string doc;
};
const std::vector<ModelPreset>& model_presets();
const ModelPreset& model_preset(const std::string& name);  // throws std::invalid_argument

}  // namespace star
