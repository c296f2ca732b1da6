// Strict reading of one YAML table file: every error names the file, line, column (1-based, from
// yaml-cpp's Mark) and the dotted key path, and every map is checked for unknown keys.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace star {

class YamlTableReader {
 public:
  // Parses `text`; `file` is only used in messages. Throws std::invalid_argument on syntax errors.
  YamlTableReader(const std::string& text, std::string file);
  static YamlTableReader from_file(const std::string& path);

  const YAML::Node& root() const { return root_; }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key,
                         const std::string& message) const;

  // The node must be a map whose keys are all in `allowed` (empty list: any key).
  void expect_map(const YAML::Node& node, const std::string& path,
                  std::initializer_list<const char*> allowed = {}) const;
  YAML::Node child(const YAML::Node& map, const std::string& key, const std::string& path) const;
  double number(const YAML::Node& map, const std::string& key, const std::string& path, double min,
                double max) const;
  double number_value(const YAML::Node& node, const std::string& path, double min,
                      double max) const;
  std::string text(const YAML::Node& map, const std::string& key, const std::string& path) const;
  // The map's keys in file order.
  std::vector<std::string> keys(const YAML::Node& map) const;

 private:
  YAML::Node root_;
  std::string file_;
};

// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
inline std::string join_key(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

}  // namespace star
