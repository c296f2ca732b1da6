// The energy and area tables the energy model reads: plain data loaded from the YAML files in
// platform/energy/tables/, each entry with the source it was taken from. Loading checks every key
// (unknown keys, missing keys, wrong types, out-of-range values) and throws std::invalid_argument
// naming the file, line, column and key, so a typo in a table can never turn into a silent zero.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace star {

// The six blocks of the STAR core (STAR-SPEC section 3), in report order.
const std::vector<std::string>& core_block_names();

// ---- block_power_28nm.yaml
struct BlockPowerEntry {
  double power_mw = 0.0;       // at full activity, reference units, table node and clock
  double reference_units = 1;  // how many repeated units the power covers
  std::string unit;            // what one unit is
  double idle_fraction = 0.0;  // idle power / active power
  std::string source;
};
struct BlockPowerTable {
  double technology_nm = 28;
  double clock_ghz = 1.0;
  std::string source;
  std::map<std::string, BlockPowerEntry> blocks;  // every name of core_block_names()
};

// ---- area_28nm.yaml
struct BlockAreaEntry {
  double area_mm2 = 0.0;
  double reference_units = 1;
  std::string source;
};
struct ScalingFactor {
  double factor = 1.0;
  std::string source;
};
struct AreaTable {
  double technology_nm = 28;
  std::string source;
  std::map<double, ScalingFactor> technology_scaling;  // node nm -> area factor vs technology_nm
  std::map<std::string, BlockAreaEntry> blocks;
};

// ---- action_energy_horowitz45.yaml
struct OperationEnergy {
  double energy_pj = 0.0;  // at the table's node
  std::string source;
};
struct SramClass {
  double capacity_kib = 0.0;
  double energy_pj = 0.0;  // one 64-bit read at the table's node
  std::string source;
};
struct SramBuffer {
  double capacity_kib = 0.0;
  std::string source;
};
// One OpCounts field as a mix of primitive operations: {"fp16_mult": 1, "fp32_add": 1}.
struct ActionMix {
  std::map<std::string, double> ops;
  std::string source;
};
struct ActionEnergyTable {
  double technology_nm = 45;
  std::string source;
  std::map<double, ScalingFactor> technology_scaling;  // node nm -> energy factor vs technology_nm
  std::map<std::string, OperationEnergy> operations;
  std::vector<SramClass> sram_read_64bit;  // sorted by capacity
  std::map<std::string, SramBuffer> sram_buffers;
  std::map<std::string, ActionMix> default_actions;                       // every OpCounts field
  std::map<std::string, std::map<std::string, ActionMix>> block_actions;  // block -> overrides
};

// ---- dram_hbm2.yaml
struct PowerAtBandwidth {
  double power_w = 0.0;
  double bandwidth_gb_per_s = 0.0;  // 0 allowed only for background power
  std::string source;
};
struct DramTable {
  std::string technology;
  PowerAtBandwidth dram;
  PowerAtBandwidth interface;
  PowerAtBandwidth background;  // bandwidth unused
  double device_power_w = 0.0;  // published device power, for cross-checks
  std::string device_source;
};

// The names of the OpCounts fields, in declaration order (the keys of the action tables).
const std::vector<std::string>& op_count_field_names();

// Loaders. `path` is a file; the *_from_string forms parse text and use `name` in messages.
BlockPowerTable load_block_power_table(const std::string& path);
AreaTable load_area_table(const std::string& path);
ActionEnergyTable load_action_energy_table(const std::string& path);
DramTable load_dram_table(const std::string& path);
BlockPowerTable parse_block_power_table(const std::string& text, const std::string& name);
AreaTable parse_area_table(const std::string& text, const std::string& name);
ActionEnergyTable parse_action_energy_table(const std::string& text, const std::string& name);
DramTable parse_dram_table(const std::string& text, const std::string& name);

// All four tables of one configuration.
struct EnergyTables {
  BlockPowerTable block_power;
  AreaTable area;
  ActionEnergyTable actions;
  DramTable dram;
};
// The folder holding the shipped tables: $STAR_ENERGY_TABLES if set, else the source tree's
// platform/energy/tables (compiled in).
std::string default_energy_tables_dir();
// Loads block_power_28nm.yaml, area_28nm.yaml, action_energy_horowitz45.yaml and dram_hbm2.yaml.
EnergyTables load_energy_tables(const std::string& dir = default_energy_tables_dir());

}  // namespace star
