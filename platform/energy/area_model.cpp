#include "energy/area_model.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace star {

AreaModel::AreaModel(AreaTable table, CoreParameters params)
    : table_(std::move(table)), params_(std::move(params)) {
  const auto& names = core_block_names();
  for (const auto& [block, units] : params_.units) {
    if (std::find(names.begin(), names.end(), block) == names.end())
      throw std::invalid_argument("unknown STAR block '" + block + "'");
    if (!(units > 0) || !std::isfinite(units))
      throw std::invalid_argument("units of block '" + block + "' must be positive");
  }
  const auto at = [&](double node) {
    const auto it = table_.technology_scaling.find(node);
    if (it == table_.technology_scaling.end()) {
      std::ostringstream os;
      os << "technology node " << node << " nm has no area scaling factor (known:";
      for (const auto& kv : table_.technology_scaling) os << " " << kv.first;
      os << " nm)";
      throw std::invalid_argument(os.str());
    }
    return it->second.factor;
  };
  node_factor_ = at(params_.technology_nm) / at(table_.technology_nm);
}

double AreaModel::block_area_mm2(const std::string& block) const {
  const auto it = table_.blocks.find(block);
  if (it == table_.blocks.end()) throw std::invalid_argument("unknown STAR block '" + block + "'");
  const auto u = params_.units.find(block);
  const double scale = u == params_.units.end() ? 1.0 : u->second / it->second.reference_units;
  return it->second.area_mm2 * scale * node_factor_;
}

double AreaModel::core_area_mm2() const {
  double a = 0.0;
  for (const auto& b : core_block_names()) a += block_area_mm2(b);
  return a;
}

}  // namespace star
