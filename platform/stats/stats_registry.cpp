#include "stats/stats_registry.h"

#include <cctype>
#include <stdexcept>

namespace star {

std::string StatInfo::module() const {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? std::string{} : name.substr(0, dot);
}

std::string StatInfo::stat() const {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

void validate_stat_name(const std::string& name) {
  if (name.empty()) throw std::invalid_argument("statistic name is empty");
  std::size_t components = 1;
  bool component_empty = true;
  for (char ch : name) {
    if (ch == '.') {
      if (component_empty)
        throw std::invalid_argument("statistic name '" + name + "' has an empty component");
      ++components;
      component_empty = true;
    } else if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') {
      component_empty = false;
    } else {
      throw std::invalid_argument("statistic name '" + name + "' contains '" + std::string(1, ch) +
                                  "' (allowed: letters, digits, '_', '.' between components)");
    }
  }
  if (component_empty)
    throw std::invalid_argument("statistic name '" + name + "' has an empty component");
  if (components < 2)
    throw std::invalid_argument("statistic name '" + name +
                                "' needs a module prefix (module.statistic)");
}

void StatsRegistry::add(StatInfo info) {
  validate_stat_name(info.name);
  if (stats_.count(info.name))
    throw std::invalid_argument("statistic '" + info.name + "' is registered twice");
  std::string key = info.name;
  stats_.emplace(std::move(key), std::move(info));
}

void StatsRegistry::add_counter(const std::string& name, const Counter& c, std::string unit,
                                std::string description) {
  const Counter* p = &c;
  add({name, std::move(unit), std::move(description), [p] { return StatValue{p->value()}; }});
}

void StatsRegistry::add_scalar(const std::string& name, const Scalar& v, std::string unit,
                               std::string description) {
  const Scalar* p = &v;
  add({name, std::move(unit), std::move(description), [p] { return StatValue{p->value()}; }});
}

void StatsRegistry::add_average(const std::string& name, const Average& a, std::string unit,
                                std::string description) {
  const Average* p = &a;
  add({name, std::move(unit), std::move(description), [p] { return StatValue{p->mean()}; }});
}

void StatsRegistry::add_high_water(const std::string& name, const HighWaterMark& h,
                                   std::string unit, std::string description) {
  const HighWaterMark* p = &h;
  add({name, std::move(unit), std::move(description), [p] { return StatValue{p->value()}; }});
}

void StatsRegistry::add_value(const std::string& name, std::function<double()> fn, std::string unit,
                              std::string description) {
  if (!fn) throw std::invalid_argument("statistic '" + name + "' has no sampling function");
  add({name, std::move(unit), std::move(description),
       [fn = std::move(fn)] { return StatValue{fn()}; }});
}

void StatsRegistry::add_integer(const std::string& name, std::function<std::uint64_t()> fn,
                                std::string unit, std::string description) {
  if (!fn) throw std::invalid_argument("statistic '" + name + "' has no sampling function");
  add({name, std::move(unit), std::move(description),
       [fn = std::move(fn)] { return StatValue{fn()}; }});
}

const StatInfo& StatsRegistry::at(const std::string& name) const {
  const auto it = stats_.find(name);
  if (it == stats_.end()) throw std::out_of_range("no statistic named '" + name + "'");
  return it->second;
}

double StatsRegistry::sample_as_double(const std::string& name) const {
  return std::visit([](auto v) { return static_cast<double>(v); }, sample(name));
}

std::vector<const StatInfo*> StatsRegistry::sorted() const {
  std::vector<const StatInfo*> out;
  out.reserve(stats_.size());
  for (const auto& kv : stats_) out.push_back(&kv.second);
  return out;
}

}  // namespace star
