// Energy of the STAR core and its off-chip memory, from the tables of energy_tables.h, two ways
// (DESIGN.md section 3, STAR-SPEC section 6):
//  - calibrated power: each block draws its published full-activity power while busy and
//    idle_fraction of it while idle; E = P_active * busy + P_idle * (elapsed - busy);
//  - action counts: E = sum over OpCounts fields of count * energy of that action, each action a
//    documented mix of Horowitz's 45 nm primitive operations scaled to the node; SRAM per 64-bit
//    access by buffer capacity.
// Off-chip: DRAM and memory-interface energy per byte calibrated to SOFA, plus optional background
// power. Plain C++, no SystemC.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/op_counts.h"
#include "energy/energy_tables.h"

namespace star {

// What the energy and area depend on besides the tables.
struct CoreParameters {
  double technology_nm = 28;  // must be listed in the tables' technology_scaling
  double clock_ghz = 1.0;     // active power scales linearly with clock [design]
  // Units per block (see the tables' reference_units: 128 sort cores, 512 PEs, 316 KiB, ...).
  // Blocks not listed keep their reference units. Power and area scale linearly [design].
  std::map<std::string, double> units;
  // Capacity of named SRAM buffers (token, weight, temp, dlzs_output) when it differs from the
  // action table's; sets the per-access energy class of that buffer.
  std::map<std::string, double> sram_buffer_kib;
  // Multiplies a block's energy and power (both methods), for circuit tricks the counts do not
  // see, e.g. STAR's sign-prediction pre-flipping in DLZS (no published value) [design].
  std::map<std::string, double> block_energy_factor;
};

class EnergyModel {
 public:
  // Throws std::invalid_argument for an unknown node, block or a non-positive unit count/clock.
  EnergyModel(EnergyTables tables, CoreParameters params = {});

  const EnergyTables& tables() const { return tables_; }
  const CoreParameters& parameters() const { return params_; }

  // Energy factor of the chosen node relative to 45 nm (Stillmaker-Baas: 28 nm 0.51, 7 nm 0.10).
  double technology_energy_factor() const { return energy_factor_; }
  // units / reference_units of a block.
  double unit_scale(const std::string& block) const;

  // ---- calibrated power (W); block must be one of core_block_names()
  double active_power_w(const std::string& block) const;
  double idle_power_w(const std::string& block) const;
  double total_active_power_w() const;
  // busy_s in [0, elapsed_s] (a relative 1e-9 overshoot from rounding is clamped).
  double calibrated_energy_j(const std::string& block, double busy_s, double elapsed_s) const;

  // ---- action counts
  // Energy of one `field` action (an OpCounts field name) in `block`, pJ at the chosen node
  // (table value; block_energy_factor applies to the sums below, not here).
  double action_energy_pj(const std::string& block, const std::string& field) const;
  double counts_energy_j(const std::string& block, const OpCounts& counts) const;
  // One 64-bit access to an SRAM array of this capacity, pJ at the chosen node.
  double sram_access_energy_pj(double capacity_kib) const;
  // Reads and writes (bytes, rounded up to whole 64-bit accesses) of a named buffer; counted as
  // the sram block's energy (its block_energy_factor applies).
  double sram_energy_j(const std::string& buffer, std::uint64_t bytes_read,
                       std::uint64_t bytes_written) const;

  // ---- off-chip (not scaled with the core's node)
  double dram_energy_per_byte_pj() const;       // 1.92 W / 59.8 GB/s = 32.1 pJ/B
  double interface_energy_per_byte_pj() const;  // 0.53 W / 59.8 GB/s = 8.86 pJ/B
  double dram_energy_j(std::uint64_t bytes) const;
  double interface_energy_j(std::uint64_t bytes) const;
  double background_energy_j(double elapsed_s) const;

 private:
  const BlockPowerEntry& power_entry(const std::string& block) const;
  double block_factor(const std::string& block) const;
  void check_tables() const;
  double node_factor(const std::map<double, ScalingFactor>& table, double node,
                     const char* what) const;

  EnergyTables tables_;
  CoreParameters params_;
  double energy_factor_ = 1.0;  // chosen node vs 45 nm
  double power_factor_ = 1.0;   // chosen node and clock vs the block-power table's
};

// One field of an OpCounts by name (the action tables' keys).
std::uint64_t op_count_field(const OpCounts& c, const std::string& field);

}  // namespace star
