// Reading scenario YAML: walks the document against the schema, keeping each value's location.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "scenario/scenario.h"

namespace star {

std::string SourceLocation::text() const {
  if (line <= 0) return file;
  return column > 0 ? fmt::format("{}:{}:{}", file, line, column) : fmt::format("{}:{}", file, line);
}

std::string ScenarioIssue::text() const {
  return fmt::format("{}: error: {}{}", where.text(), key.empty() ? "" : key + ": ", message);
}

namespace {

ScenarioError one_issue(SourceLocation where, std::string key, std::string message) {
  std::vector<ScenarioIssue> v(1);
  v[0].where = std::move(where);
  v[0].key = std::move(key);
  v[0].message = std::move(message);
  return ScenarioError(std::move(v));
}

std::string join_issues(const std::vector<ScenarioIssue>& issues) {
  std::string out;
  for (const ScenarioIssue& i : issues) out += (out.empty() ? "" : "\n") + i.text();
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string flow_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << node;
  return e.c_str();
}

SourceLocation at(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

void check_range(const KeySpec& s, double v, const std::string& shown) {
  const bool low = s.kind == ValueKind::real && s.min_open ? v <= s.min : v < s.min;
  if (low || v > s.max)
    throw std::invalid_argument(fmt::format("{} is out of range; allowed: {}", shown, allowed_text(s)));
}

Value parse_node(const KeySpec& s, const YAML::Node& node) {
  Value v;
  auto wrong = [&](const std::string& what) {
    return std::invalid_argument(fmt::format("{}; allowed: {}", what, allowed_text(s)));
  };
  if (s.kind == ValueKind::text_list) {
    if (node.IsScalar()) {
      v.list.push_back(node.Scalar());
      return v;
    }
    if (node.IsNull()) return v;
    if (!node.IsSequence()) throw wrong("expected a list");
    for (const YAML::Node& item : node) {
      if (!item.IsScalar()) throw wrong("expected a list of strings");
      v.list.push_back(item.Scalar());
    }
    return v;
  }
  if (!node.IsScalar())
    throw wrong(node.IsMap() ? "expected a value, got a mapping" : node.IsSequence() ? "expected a value, got a list" : "expected a value");
  const std::string text = node.Scalar();
  if (s.allows_auto && text == "auto") {
    v.is_auto = true;
    return v;
  }
  switch (s.kind) {
    case ValueKind::integer:
    case ValueKind::real: {
      double d = 0;
      try {
        std::size_t used = 0;
        d = std::stod(text, &used);
        if (used != text.size() || !std::isfinite(d)) throw std::invalid_argument("");
      } catch (const std::exception&) {
        throw wrong(fmt::format("'{}' is not a number", text));
      }
      if (s.kind == ValueKind::integer && d != std::floor(d))
        throw wrong(fmt::format("'{}' is not an integer", text));
      check_range(s, d, text);
      v.number = d;
      return v;
    }
    case ValueKind::boolean: {
      bool b = false;
      if (!YAML::convert<bool>::decode(node, b)) throw wrong(fmt::format("'{}' is not a boolean", text));
      v.number = b ? 1 : 0;
      return v;
    }
    case ValueKind::choice:
      if (std::find(s.choices.begin(), s.choices.end(), text) == s.choices.end())
        throw wrong(fmt::format("'{}' is not allowed", text));
      v.text = text;
      return v;
    case ValueKind::quantity: {
      double q = 0;
      try {
        q = parse_quantity(text, s.dimension);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(fmt::format("{}; allowed: {}", e.what(), allowed_text(s)));
      }
      check_range(s, q, text);
      v.number = q;
      return v;
    }
    case ValueKind::text:
      v.text = text;
      return v;
    case ValueKind::text_list: break;
  }
  return v;
}

class Walker {
 public:
  Walker(Scenario& s, std::string file) : s_(s), file_(std::move(file)) {}

  void document(const YAML::Node& root) {
    if (!root || root.IsNull()) return;
    if (!root.IsMap()) {
      issue(root.Mark(), "", "a scenario is a mapping of keys (platform, workload, ...)");
      return;
    }
    section(root, "");
  }

  void sweep(const YAML::Node& node, const YAML::Node& key_node) {
    SweepSpec& sw = s_.sweep;
    sw.present = true;
    sw.where = at(file_, key_node.Mark());
    if (!node.IsMap()) {
      issue(node.Mark(), "sweep", "expected a mapping with keys: workers, grid, points");
      return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string k = it->first.Scalar();
      const YAML::Node v = it->second;
      if (k == "workers") {
        unsigned long w = 0;
        try {
          w = std::stoul(v.Scalar());
          if (w > 1024) throw std::invalid_argument("");
        } catch (const std::exception&) {
          issue(v.Mark(), "sweep.workers", fmt::format("'{}' is not allowed; allowed: an integer in [0, 1024] (0: one per core)", flow_text(v)));
          continue;
        }
        sw.workers = static_cast<unsigned>(w);
      } else if (k == "grid") {
        if (!v.IsMap()) {
          issue(v.Mark(), "sweep.grid", "expected a mapping of keys to lists of values");
          continue;
        }
        for (auto g = v.begin(); g != v.end(); ++g) {
          SweepSpec::Axis axis{g->first.Scalar(), {}};
          if (!known_key(axis.key, g->first.Mark(), "sweep.grid")) continue;
          if (!g->second.IsSequence() || g->second.size() == 0) {
            issue(g->second.Mark(), "sweep.grid." + axis.key, "expected a non-empty list of values");
            continue;
          }
          for (const YAML::Node& val : g->second)
            if (check_value(axis.key, val))
              axis.values.push_back({axis.key, flow_text(val), at(file_, val.Mark())});
          sw.grid.push_back(axis);
        }
      } else if (k == "points") {
        if (!v.IsSequence()) {
          issue(v.Mark(), "sweep.points", "expected a list of mappings (key: value)");
          continue;
        }
        for (const YAML::Node& p : v) {
          if (!p.IsMap()) {
            issue(p.Mark(), "sweep.points", "each point is a mapping of keys to values");
            continue;
          }
          std::vector<SweepOverride> point;
          for (auto e = p.begin(); e != p.end(); ++e) {
            const std::string key = e->first.Scalar();
            if (known_key(key, e->first.Mark(), "sweep.points") && check_value(key, e->second))
              point.push_back({key, flow_text(e->second), at(file_, e->second.Mark())});
          }
          sw.points.push_back(point);
        }
      } else {
        unknown(it->first.Mark(), "sweep." + k, {"workers", "grid", "points"}, "sweep");
      }
    }
  }

  const std::vector<ScenarioIssue>& issues() const { return issues_; }

 private:
  void section(const YAML::Node& map, const std::string& prefix) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        issue(it->first.Mark(), prefix, "keys must be plain names");
        continue;
      }
      const std::string name = it->first.Scalar();
      const std::string full = prefix.empty() ? name : prefix + "." + name;
      const YAML::Node value = it->second;
      if (!seen_.insert(full).second) {
        issue(it->first.Mark(), full, "given twice");
        continue;
      }
      if (prefix.empty() && name == "sweep") {
        sweep(value, it->first);
      } else if (const KeySpec* spec = find_key_spec(full)) {
        try {
          Setting st{parse_node(*spec, value), at(file_, value.Mark()), flow_text(value)};
          s_.given[full] = st;
        } catch (const std::invalid_argument& e) {
          issue(value.Mark(), full, e.what());
        }
      } else if (is_section(full)) {
        if (value.IsMap())
          section(value, full);
        else if (!value.IsNull())
          issue(value.Mark(), full, "is a section: expected a mapping with keys " + join(child_names(full)));
      } else {
        unknown(it->first.Mark(), full, child_names(prefix), prefix);
      }
    }
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  void unknown(const YAML::Mark& mark, const std::string& full, const std::vector<std::string>& allowed,
               const std::string& prefix) {
    std::string msg = "unknown key; allowed " + (prefix.empty() ? std::string("top-level keys") : "keys in " + prefix) + ": " + join(allowed);
    const std::string near = closest_key(full);
    if (!near.empty()) msg += " (did you mean " + near + "?)";
    issue(mark, full, msg);
  }

  bool known_key(const std::string& key, const YAML::Mark& mark, const std::string& where) {
    if (find_key_spec(key)) return true;
    std::string msg = where + ": unknown key (use the dotted name of a scenario key, e.g. workload.keep)";
    const std::string near = closest_key(key);
    if (!near.empty()) msg += " (did you mean " + near + "?)";
    issue(mark, key, msg);
    return false;
  }

  bool check_value(const std::string& key, const YAML::Node& v) {
    try {
      parse_node(*find_key_spec(key), v);
      return true;
    } catch (const std::invalid_argument& e) {
      issue(v.Mark(), key, e.what());
      return false;
    }
  }

  void issue(const YAML::Mark& mark, const std::string& key, const std::string& msg) {
    issues_.push_back({at(file_, mark), key, msg});
  }

  Scenario& s_;
  std::string file_;
  std::set<std::string> seen_;
  std::vector<ScenarioIssue> issues_;
};

YAML::Node parse_yaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw one_issue(at(file, e.mark), "", "YAML syntax: " + e.msg);
  }
}

}  // namespace

ScenarioError::ScenarioError(std::vector<ScenarioIssue> issues)
    : std::invalid_argument(join_issues(issues)), issues_(std::move(issues)) {}

Value parse_value(const KeySpec& spec, const std::string& yaml_text) {
  YAML::Node node;
  try {
    node = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument("'" + yaml_text + "' is not valid YAML: " + e.msg);
  }
  return parse_node(spec, node);
}

std::string yaml_quoted(const std::string& text) {
  YAML::Emitter e;
  e << YAML::DoubleQuoted << text;
  return e.c_str();
}

std::string closest_key(const std::string& key) {
  std::string best;
  // At most 2 edits (and fewer than a third of the name), or the same leaf in another section.
  std::size_t best_d = std::min<std::size_t>(3, key.size() / 3 + 1);
  const std::string leaf = key.substr(key.rfind('.') + 1);
  for (const KeySpec& s : scenario_schema()) {
    const std::size_t d = edit_distance(key, s.key);
    const std::string sleaf = s.key.substr(s.key.rfind('.') + 1);
    if (d < best_d) best = s.key, best_d = d;
    else if (best.empty() && sleaf == leaf) best = s.key;
  }
  return best == key ? "" : best;
}

Scenario load_scenario_text(const std::string& text, const std::string& file_name) {
  Scenario s;
  s.file = file_name;
  Walker w(s, file_name);
  w.document(parse_yaml(text, file_name));
  if (!w.issues().empty()) throw ScenarioError(w.issues());
  return s;
}

Scenario load_scenario_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw one_issue({path, 0, 0}, "", "cannot open the scenario file");
  std::stringstream buf;
  buf << in.rdbuf();
  return load_scenario_text(buf.str(), path);
}

void apply_override(Scenario& s, const SweepOverride& o) {
  const KeySpec* spec = find_key_spec(o.key);
  if (!spec) {
    std::string msg = "unknown key";
    const std::string near = closest_key(o.key);
    if (!near.empty()) msg += " (did you mean " + near + "?)";
    throw one_issue(o.where, o.key, msg);
  }
  try {
    s.given[o.key] = Setting{parse_value(*spec, o.value), o.where, o.value};
  } catch (const std::invalid_argument& e) {
    throw one_issue(o.where, o.key, e.what());
  }
}

void apply_override(Scenario& s, const std::string& assignment) {
  const std::size_t eq = assignment.find('=');
  const SourceLocation where{"-s " + assignment, 0, 0};
  if (eq == std::string::npos || eq == 0)
    throw one_issue(where, "", "an override is key=value (e.g. workload.keep=0.5)");
  apply_override(s, SweepOverride{assignment.substr(0, eq), assignment.substr(eq + 1), where});
}

}  // namespace star
