#include "energy/yaml_table_reader.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace star {
namespace {

std::string where(const std::string& file, const YAML::Mark& m) {
  std::ostringstream os;
  os << file;
  if (!m.is_null()) os << ":" << (m.line + 1) << ":" << (m.column + 1);
  return os.str();
}

}  // namespace

YamlTableReader::YamlTableReader(const std::string& text, std::string file)
    : file_(std::move(file)) {
  try {
    root_ = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument(where(file_, e.mark) + ": YAML syntax error: " + e.msg);
  }
  if (!root_.IsMap()) throw std::invalid_argument(file_ + ": the table must be a YAML map");
}

YamlTableReader YamlTableReader::from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot open energy table '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return YamlTableReader(text.str(), path);
}

void YamlTableReader::fail(const YAML::Node& at, const std::string& key,
                           const std::string& message) const {
  throw std::invalid_argument(where(file_, at.Mark()) + ": key '" + key + "': " + message);
}

void YamlTableReader::expect_map(const YAML::Node& node, const std::string& path,
                                 std::initializer_list<const char*> allowed) const {
  if (!node.IsMap()) fail(node, path, "expected a map");
  // yaml-cpp keeps duplicate keys and lookups see only one: a repeated entry must not hide.
  std::vector<std::string> seen;
  for (const auto& kv : node) {
    const std::string k = kv.first.as<std::string>();
    if (std::find(seen.begin(), seen.end(), k) != seen.end())
      fail(kv.first, join_key(path, k), "duplicate key");
    seen.push_back(k);
  }
  if (allowed.size() == 0) return;
  for (const auto& kv : node) {
    const std::string k = kv.first.as<std::string>();
    const bool ok =
        std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; });
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      fail(kv.first, join_key(path, k), "unknown key (allowed: " + list + ")");
    }
  }
}

YAML::Node YamlTableReader::child(const YAML::Node& map, const std::string& key,
                                  const std::string& path) const {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) fail(map, join_key(path, key), "missing");
  return n;
}

double YamlTableReader::number_value(const YAML::Node& node, const std::string& path, double min,
                                     double max) const {
  double v = 0.0;
  bool ok = node.IsScalar();
  if (ok) {
    try {
      v = node.as<double>();
    } catch (const YAML::Exception&) {
      ok = false;
    }
  }
  if (!ok || !std::isfinite(v)) fail(node, path, "expected a number");
  if (v < min || v > max) {
    std::ostringstream os;
    os << "value " << v << " out of range [" << min << ", " << max << "]";
    fail(node, path, os.str());
  }
  return v;
}

double YamlTableReader::number(const YAML::Node& map, const std::string& key,
                               const std::string& path, double min, double max) const {
  return number_value(child(map, key, path), join_key(path, key), min, max);
}

std::string YamlTableReader::text(const YAML::Node& map, const std::string& key,
                                  const std::string& path) const {
  const YAML::Node n = child(map, key, path);
  if (!n.IsScalar()) fail(n, join_key(path, key), "expected a string");
  const std::string s = n.as<std::string>();
  if (s.empty()) fail(n, join_key(path, key), "must not be empty");
  return s;
}

std::vector<std::string> YamlTableReader::keys(const YAML::Node& map) const {
  std::vector<std::string> out;
  for (const auto& kv : map) out.push_back(kv.first.as<std::string>());
  return out;
}

}  // namespace star
