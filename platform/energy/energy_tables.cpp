#include "energy/energy_tables.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "energy/yaml_table_reader.h"

#ifndef STAR_ENERGY_TABLES_DIR
#define STAR_ENERGY_TABLES_DIR "platform/energy/tables"
#endif

namespace star {
namespace {

constexpr double kHuge = 1e12;

// Every block must appear exactly once: a missing block would silently drop its energy.
void require_all_blocks(const YamlTableReader& r, const YAML::Node& blocks) {
  r.expect_map(blocks, "blocks");
  for (const auto& name : core_block_names()) r.child(blocks, name, "blocks");
  for (const auto& kv : blocks) {
    const std::string k = kv.first.as<std::string>();
    const auto& names = core_block_names();
    if (std::find(names.begin(), names.end(), k) == names.end())
      r.fail(kv.first, "blocks." + k,
             "unknown block (allowed: dlzs, sads, kvgen, sufa, sram, controller)");
  }
}

std::map<double, ScalingFactor> read_scaling(const YamlTableReader& r, const YAML::Node& map,
                                             const std::string& path) {
  r.expect_map(map, path);
  std::map<double, ScalingFactor> out;
  for (const auto& kv : map) {
    const std::string key = join_key(path, kv.first.as<std::string>());
    const double node_nm = r.number_value(kv.first, key, 1, 1000);
    r.expect_map(kv.second, key, {"factor", "source"});
    out[node_nm] = {r.number(kv.second, "factor", key, 1e-6, 100),
                    r.text(kv.second, "source", key)};
  }
  if (out.empty()) r.fail(map, path, "needs at least one node");
  return out;
}

ActionMix read_mix(const YamlTableReader& r, const YAML::Node& node, const std::string& path,
                   const std::map<std::string, OperationEnergy>& operations) {
  r.expect_map(node, path, {"ops", "source"});
  ActionMix mix;
  mix.source = r.text(node, "source", path);
  const YAML::Node ops = node["ops"];
  if (!ops.IsDefined()) r.fail(node, join_key(path, "ops"), "missing");
  if (!ops.IsMap()) r.fail(ops, join_key(path, "ops"), "expected a map (use {} for none)");
  for (const auto& kv : ops) {
    const std::string op = kv.first.as<std::string>();
    if (!operations.count(op)) r.fail(kv.first, join_key(path, "ops." + op), "unknown operation");
    mix.ops[op] = r.number_value(kv.second, join_key(path, "ops." + op), 0, 1e6);
  }
  return mix;
}

BlockPowerTable read_block_power(const YamlTableReader& r) {
  const YAML::Node& root = r.root();
  r.expect_map(root, "", {"technology_nm", "clock_ghz", "source", "blocks"});
  BlockPowerTable t;
  t.technology_nm = r.number(root, "technology_nm", "", 1, 1000);
  t.clock_ghz = r.number(root, "clock_ghz", "", 1e-3, 100);
  t.source = r.text(root, "source", "");
  const YAML::Node blocks = r.child(root, "blocks", "");
  require_all_blocks(r, blocks);
  for (const auto& name : core_block_names()) {
    const std::string path = "blocks." + name;
    const YAML::Node b = blocks[name];
    r.expect_map(b, path, {"power_mw", "reference_units", "unit", "idle_fraction", "source"});
    BlockPowerEntry e;
    e.power_mw = r.number(b, "power_mw", path, 0, kHuge);
    e.reference_units = r.number(b, "reference_units", path, 1e-9, kHuge);
    e.unit = r.text(b, "unit", path);
    e.idle_fraction = r.number(b, "idle_fraction", path, 0, 1);
    e.source = r.text(b, "source", path);
    t.blocks[name] = e;
  }
  return t;
}

AreaTable read_area(const YamlTableReader& r) {
  const YAML::Node& root = r.root();
  r.expect_map(root, "", {"technology_nm", "source", "technology_scaling", "blocks"});
  AreaTable t;
  t.technology_nm = r.number(root, "technology_nm", "", 1, 1000);
  t.source = r.text(root, "source", "");
  t.technology_scaling =
      read_scaling(r, r.child(root, "technology_scaling", ""), "technology_scaling");
  const YAML::Node blocks = r.child(root, "blocks", "");
  require_all_blocks(r, blocks);
  for (const auto& name : core_block_names()) {
    const std::string path = "blocks." + name;
    const YAML::Node b = blocks[name];
    r.expect_map(b, path, {"area_mm2", "reference_units", "source"});
    t.blocks[name] = {r.number(b, "area_mm2", path, 0, kHuge),
                      r.number(b, "reference_units", path, 1e-9, kHuge), r.text(b, "source", path)};
  }
  return t;
}

ActionEnergyTable read_actions(const YamlTableReader& r) {
  const YAML::Node& root = r.root();
  r.expect_map(root, "",
               {"technology_nm", "source", "technology_scaling", "operations", "sram_read_64bit",
                "sram_buffers", "actions"});
  ActionEnergyTable t;
  t.technology_nm = r.number(root, "technology_nm", "", 1, 1000);
  t.source = r.text(root, "source", "");
  t.technology_scaling =
      read_scaling(r, r.child(root, "technology_scaling", ""), "technology_scaling");

  const YAML::Node ops = r.child(root, "operations", "");
  r.expect_map(ops, "operations");
  for (const auto& kv : ops) {
    const std::string path = "operations." + kv.first.as<std::string>();
    r.expect_map(kv.second, path, {"energy_pj", "source"});
    t.operations[kv.first.as<std::string>()] = {r.number(kv.second, "energy_pj", path, 0, kHuge),
                                                r.text(kv.second, "source", path)};
  }

  const YAML::Node sram = r.child(root, "sram_read_64bit", "");
  if (!sram.IsSequence() || sram.size() == 0)
    r.fail(sram, "sram_read_64bit", "expected a non-empty list");
  for (std::size_t i = 0; i < sram.size(); ++i) {
    const std::string path = "sram_read_64bit[" + std::to_string(i) + "]";
    r.expect_map(sram[i], path, {"capacity_kib", "energy_pj", "source"});
    SramClass c{r.number(sram[i], "capacity_kib", path, 1e-6, kHuge),
                r.number(sram[i], "energy_pj", path, 1e-9, kHuge), r.text(sram[i], "source", path)};
    if (!t.sram_read_64bit.empty() && c.capacity_kib <= t.sram_read_64bit.back().capacity_kib)
      r.fail(sram[i], path + ".capacity_kib", "classes must be listed by increasing capacity");
    t.sram_read_64bit.push_back(c);
  }

  const YAML::Node buffers = r.child(root, "sram_buffers", "");
  r.expect_map(buffers, "sram_buffers");
  for (const auto& kv : buffers) {
    const std::string path = "sram_buffers." + kv.first.as<std::string>();
    r.expect_map(kv.second, path, {"capacity_kib", "source"});
    t.sram_buffers[kv.first.as<std::string>()] = {
        r.number(kv.second, "capacity_kib", path, 1e-6, kHuge), r.text(kv.second, "source", path)};
  }

  const YAML::Node actions = r.child(root, "actions", "");
  r.expect_map(actions, "actions");
  const YAML::Node def = r.child(actions, "default", "actions");
  r.expect_map(def, "actions.default");
  const auto& fields = op_count_field_names();
  for (const auto& f : fields) r.child(def, f, "actions.default");
  for (const auto& kv : actions) {
    const std::string block = kv.first.as<std::string>();
    const auto& names = core_block_names();
    if (block != "default" && std::find(names.begin(), names.end(), block) == names.end())
      r.fail(kv.first, "actions." + block, "unknown block");
    r.expect_map(kv.second, "actions." + block);
    for (const auto& fk : kv.second) {
      const std::string field = fk.first.as<std::string>();
      const std::string path = "actions." + block + "." + field;
      if (std::find(fields.begin(), fields.end(), field) == fields.end())
        r.fail(fk.first, path, "not an OpCounts field");
      ActionMix mix = read_mix(r, fk.second, path, t.operations);
      if (block == "default")
        t.default_actions[field] = mix;
      else
        t.block_actions[block][field] = mix;
    }
  }
  return t;
}

PowerAtBandwidth read_power(const YamlTableReader& r, const YAML::Node& root,
                            const std::string& key, bool needs_bandwidth) {
  const YAML::Node n = r.child(root, key, "");
  if (needs_bandwidth) {
    r.expect_map(n, key, {"power_w", "bandwidth_gb_per_s", "source"});
    return {r.number(n, "power_w", key, 0, kHuge),
            r.number(n, "bandwidth_gb_per_s", key, 1e-9, kHuge), r.text(n, "source", key)};
  }
  r.expect_map(n, key, {"power_w", "source"});
  return {r.number(n, "power_w", key, 0, kHuge), 0.0, r.text(n, "source", key)};
}

DramTable read_dram(const YamlTableReader& r) {
  const YAML::Node& root = r.root();
  r.expect_map(
      root, "",
      {"technology", "dram", "interface", "background", "device_power_w", "device_source"});
  DramTable t;
  t.technology = r.text(root, "technology", "");
  t.dram = read_power(r, root, "dram", true);
  t.interface = read_power(r, root, "interface", true);
  t.background = read_power(r, root, "background", false);
  t.device_power_w = r.number(root, "device_power_w", "", 0, kHuge);
  t.device_source = r.text(root, "device_source", "");
  return t;
}

}  // namespace

const std::vector<std::string>& core_block_names() {
  static const std::vector<std::string> names{"dlzs", "sads", "kvgen",
                                              "sufa", "sram", "controller"};
  return names;
}

const std::vector<std::string>& op_count_field_names() {
  static const std::vector<std::string> names{"lz_encodes", "shifts",     "adds",      "macs",
                                              "compares",   "sort_steps", "exps",      "rescales",
                                              "multiplies", "divisions",  "zero_skips"};
  return names;
}

BlockPowerTable parse_block_power_table(const std::string& text, const std::string& name) {
  return read_block_power(YamlTableReader(text, name));
}
AreaTable parse_area_table(const std::string& text, const std::string& name) {
  return read_area(YamlTableReader(text, name));
}
ActionEnergyTable parse_action_energy_table(const std::string& text, const std::string& name) {
  return read_actions(YamlTableReader(text, name));
}
DramTable parse_dram_table(const std::string& text, const std::string& name) {
  return read_dram(YamlTableReader(text, name));
}

BlockPowerTable load_block_power_table(const std::string& path) {
  return read_block_power(YamlTableReader::from_file(path));
}
AreaTable load_area_table(const std::string& path) {
  return read_area(YamlTableReader::from_file(path));
}
ActionEnergyTable load_action_energy_table(const std::string& path) {
  return read_actions(YamlTableReader::from_file(path));
}
DramTable load_dram_table(const std::string& path) {
  return read_dram(YamlTableReader::from_file(path));
}

std::string default_energy_tables_dir() {
  if (const char* env = std::getenv("STAR_ENERGY_TABLES")) {
    if (*env) return env;
  }
  return STAR_ENERGY_TABLES_DIR;
}

EnergyTables load_energy_tables(const std::string& dir) {
  EnergyTables t;
  t.block_power = load_block_power_table(dir + "/block_power_28nm.yaml");
  t.area = load_area_table(dir + "/area_28nm.yaml");
  t.actions = load_action_energy_table(dir + "/action_energy_horowitz45.yaml");
  t.dram = load_dram_table(dir + "/dram_hbm2.yaml");
  return t;
}

}  // namespace star
