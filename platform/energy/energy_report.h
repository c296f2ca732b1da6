// Energy, power, throughput and efficiency of one run of the STAR core, from what the blocks
// counted (busy time, OpCounts, SRAM and DRAM bytes) and the layer's dense-equivalent work.
// Efficiencies follow SOFA Table II: effective GOPS (dense-equivalent operations / time) per watt
// of the core, per watt of the device (core + DRAM + memory interface) and per mm2 of core.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/op_counts.h"
#include "energy/area_model.h"
#include "energy/energy_model.h"

namespace star {

// Dense-equivalent operations of attention for one head: QK^T and PV are each queries x keys x
// head_dim multiply-accumulates, 2 operations each, so 4 * queries * keys * head_dim (4 S^2 d for a
// full layer's head); half of it when causal (only the lower triangle of the scores is needed).
double dense_attention_ops(std::uint64_t queries, std::uint64_t keys, std::uint64_t head_dim,
                           bool causal);

// Operations actually executed, as counted: 2 per MAC (multiply and add) and 1 per shift, add,
// compare, exp, multiply and division. Encodes, zero skips, sort steps (their comparators are in
// compares) and rescale events are not arithmetic operations.
double executed_operations(const OpCounts& c);

struct BlockActivity {
  double busy_s = 0.0;
  OpCounts ops;
};
struct SramTraffic {
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
};
struct RunActivity {
  double elapsed_s = 0.0;
  std::map<std::string, BlockActivity> blocks;  // core_block_names(); a missing block idled
  std::map<std::string, SramTraffic> sram;      // by buffer (token, weight, temp, dlzs_output)
  std::uint64_t dram_bytes = 0;                 // read + written
  double dense_equivalent_ops = 0.0;            // dense_attention_ops() summed over heads/layers
  double executed_ops = -1.0;                   // < 0: executed_operations() of all blocks' counts
};

enum class EnergyMethod { calibrated_power, action_counts };
const char* to_string(EnergyMethod m);

struct BlockEnergy {
  std::string name;
  double busy_s = 0.0;
  double utilisation = 0.0;   // busy / elapsed
  double calibrated_j = 0.0;  // busy-time model
  double action_j = 0.0;      // action-count model (dynamic only: no idle/leakage term)
  double energy_j = 0.0;      // the one the report's method picks
  double area_mm2 = 0.0;
};

struct EnergyReport {
  EnergyMethod method = EnergyMethod::calibrated_power;
  double technology_nm = 28;
  double elapsed_s = 0.0;
  std::vector<BlockEnergy> blocks;  // in core_block_names() order
  // prediction (dlzs), selection (sads), formal (kvgen + sufa), on_chip_memory (sram),
  // control (controller), dram, memory_interface, dram_background.
  std::map<std::string, double> stage_energy_j;
  double core_energy_j = 0.0;
  double dram_energy_j = 0.0;
  double interface_energy_j = 0.0;
  double background_energy_j = 0.0;
  double device_energy_j = 0.0;  // core + DRAM + interface + background
  double core_power_w = 0.0;
  double device_power_w = 0.0;
  double core_area_mm2 = 0.0;
  double executed_ops = 0.0;
  double dense_equivalent_ops = 0.0;
  double physical_gops = 0.0;        // executed_ops / elapsed / 1e9
  double effective_gops = 0.0;       // dense_equivalent_ops / elapsed / 1e9
  double core_gops_per_w = 0.0;      // effective GOPS / core power
  double device_gops_per_w = 0.0;    // effective GOPS / device power
  double gops_per_mm2 = 0.0;         // effective GOPS / core area
  double physical_gops_per_w = 0.0;  // physical GOPS / core power
};

// Throws std::invalid_argument for elapsed <= 0, an unknown block or buffer, or busy > elapsed.
EnergyReport make_energy_report(const RunActivity& run, const EnergyModel& energy,
                                const AreaModel& area,
                                EnergyMethod method = EnergyMethod::calibrated_power);

}  // namespace star
