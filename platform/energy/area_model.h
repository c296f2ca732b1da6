// Area of the STAR core per block: the published 28 nm table (5.69 mm2 in total), scaled linearly
// with each block's units [design] and by the area table's factor for other nodes.
#pragma once

#include <string>

#include "energy/energy_model.h"
#include "energy/energy_tables.h"

namespace star {

class AreaModel {
 public:
  // Uses params.technology_nm and params.units; throws std::invalid_argument for an unknown node
  // or block, or a non-positive unit count.
  AreaModel(AreaTable table, CoreParameters params = {});

  double block_area_mm2(const std::string& block) const;
  double core_area_mm2() const;
  double technology_area_factor() const { return node_factor_; }

 private:
  AreaTable table_;
  CoreParameters params_;
  double node_factor_ = 1.0;
};

}  // namespace star
