#include "energy/energy_model.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace star {
namespace {

bool is_core_block(const std::string& b) {
  const auto& n = core_block_names();
  return std::find(n.begin(), n.end(), b) != n.end();
}

void check_block(const std::string& b) {
  if (!is_core_block(b))
    throw std::invalid_argument("unknown STAR block '" + b +
                                "' (allowed: dlzs, sads, kvgen, sufa, sram, controller)");
}

}  // namespace

std::uint64_t op_count_field(const OpCounts& c, const std::string& f) {
  if (f == "lz_encodes") return c.lz_encodes;
  if (f == "shifts") return c.shifts;
  if (f == "adds") return c.adds;
  if (f == "macs") return c.macs;
  if (f == "compares") return c.compares;
  if (f == "sort_steps") return c.sort_steps;
  if (f == "exps") return c.exps;
  if (f == "rescales") return c.rescales;
  if (f == "multiplies") return c.multiplies;
  if (f == "divisions") return c.divisions;
  if (f == "zero_skips") return c.zero_skips;
  throw std::invalid_argument("unknown OpCounts field '" + f + "'");
}

EnergyModel::EnergyModel(EnergyTables tables, CoreParameters params)
    : tables_(std::move(tables)), params_(std::move(params)) {
  if (!(params_.clock_ghz > 0) || !std::isfinite(params_.clock_ghz))
    throw std::invalid_argument("clock_ghz must be positive");
  for (const auto& [block, units] : params_.units) {
    check_block(block);
    if (!(units > 0) || !std::isfinite(units))
      throw std::invalid_argument("units of block '" + block + "' must be positive");
  }
  for (const auto& [block, factor] : params_.block_energy_factor) {
    check_block(block);
    if (!(factor >= 0) || !std::isfinite(factor))
      throw std::invalid_argument("energy factor of block '" + block + "' must be >= 0");
  }
  for (const auto& [buffer, kib] : params_.sram_buffer_kib) {
    if (!tables_.actions.sram_buffers.count(buffer))
      throw std::invalid_argument("unknown SRAM buffer '" + buffer + "'");
    if (!(kib > 0) || !std::isfinite(kib))
      throw std::invalid_argument("capacity of SRAM buffer '" + buffer + "' must be positive");
  }
  check_tables();
  const auto& scaling = tables_.actions.technology_scaling;
  energy_factor_ = node_factor(scaling, params_.technology_nm, "energy") /
                   node_factor(scaling, tables_.actions.technology_nm, "energy");
  const double table_factor = node_factor(scaling, tables_.block_power.technology_nm, "energy") /
                              node_factor(scaling, tables_.actions.technology_nm, "energy");
  power_factor_ = energy_factor_ / table_factor * params_.clock_ghz / tables_.block_power.clock_ghz;
}

// Tables built in code rather than loaded must still be complete: a gap would price an action
// or a block at zero, or fail later with a less helpful error.
void EnergyModel::check_tables() const {
  for (const auto& b : core_block_names())
    if (!tables_.block_power.blocks.count(b))
      throw std::invalid_argument("block power table lacks block '" + b + "'");
  for (const auto& f : op_count_field_names())
    if (!tables_.actions.default_actions.count(f))
      throw std::invalid_argument("action table lacks a default for OpCounts field '" + f + "'");
  const auto check_mix = [&](const ActionMix& m, const std::string& where) {
    for (const auto& kv : m.ops)
      if (!tables_.actions.operations.count(kv.first))
        throw std::invalid_argument("action '" + where + "' uses unknown operation '" + kv.first +
                                    "'");
  };
  for (const auto& [field, mix] : tables_.actions.default_actions) check_mix(mix, field);
  for (const auto& [block, fields] : tables_.actions.block_actions)
    for (const auto& [field, mix] : fields) check_mix(mix, block + "." + field);
  if (tables_.actions.sram_read_64bit.empty())
    throw std::invalid_argument("action table has no SRAM energy classes");
  if (!(tables_.block_power.clock_ghz > 0))
    throw std::invalid_argument("block power table clock must be positive");
}

double EnergyModel::node_factor(const std::map<double, ScalingFactor>& table, double node,
                                const char* what) const {
  const auto it = table.find(node);
  if (it != table.end()) return it->second.factor;
  std::ostringstream os;
  os << "technology node " << node << " nm has no " << what << " scaling factor (known:";
  for (const auto& kv : table) os << " " << kv.first;
  os << " nm)";
  throw std::invalid_argument(os.str());
}

double EnergyModel::unit_scale(const std::string& block) const {
  check_block(block);
  const auto it = params_.units.find(block);
  if (it == params_.units.end()) return 1.0;
  return it->second / power_entry(block).reference_units;
}

const BlockPowerEntry& EnergyModel::power_entry(const std::string& block) const {
  check_block(block);
  return tables_.block_power.blocks.at(block);
}

double EnergyModel::block_factor(const std::string& block) const {
  const auto it = params_.block_energy_factor.find(block);
  return it == params_.block_energy_factor.end() ? 1.0 : it->second;
}

double EnergyModel::active_power_w(const std::string& block) const {
  return power_entry(block).power_mw * 1e-3 * unit_scale(block) * power_factor_ *
         block_factor(block);
}

// Idle power follows active power's node, unit and clock scaling [design]: leakage does not scale
// with the clock but the ungated clock tree does; the difference is below the idle fraction's own
// uncertainty.
double EnergyModel::idle_power_w(const std::string& block) const {
  return active_power_w(block) * power_entry(block).idle_fraction;
}

double EnergyModel::total_active_power_w() const {
  double p = 0.0;
  for (const auto& b : core_block_names()) p += active_power_w(b);
  return p;
}

double EnergyModel::calibrated_energy_j(const std::string& block, double busy_s,
                                        double elapsed_s) const {
  if (!(elapsed_s >= 0) || !std::isfinite(elapsed_s))
    throw std::invalid_argument("elapsed time must be a finite value >= 0");
  if (!(busy_s >= 0) || busy_s > elapsed_s * (1 + 1e-9) + 1e-18) {
    std::ostringstream os;
    os << "busy time " << busy_s << " s of block '" << block << "' outside [0, elapsed "
       << elapsed_s << " s]";
    throw std::invalid_argument(os.str());
  }
  busy_s = std::min(busy_s, elapsed_s);
  return active_power_w(block) * busy_s + idle_power_w(block) * (elapsed_s - busy_s);
}

double EnergyModel::action_energy_pj(const std::string& block, const std::string& field) const {
  check_block(block);
  const ActionMix* mix = nullptr;
  const auto b = tables_.actions.block_actions.find(block);
  if (b != tables_.actions.block_actions.end()) {
    const auto f = b->second.find(field);
    if (f != b->second.end()) mix = &f->second;
  }
  if (!mix) {
    const auto f = tables_.actions.default_actions.find(field);
    if (f == tables_.actions.default_actions.end())
      throw std::invalid_argument("no action energy for OpCounts field '" + field + "'");
    mix = &f->second;
  }
  double pj = 0.0;
  for (const auto& [op, count] : mix->ops)
    pj += count * tables_.actions.operations.at(op).energy_pj;
  return pj * energy_factor_;
}

double EnergyModel::counts_energy_j(const std::string& block, const OpCounts& counts) const {
  double pj = 0.0;
  for (const auto& f : op_count_field_names()) {
    const std::uint64_t n = op_count_field(counts, f);
    if (n) pj += double(n) * action_energy_pj(block, f);
  }
  return pj * 1e-12 * block_factor(block);
}

// Log-log interpolation between Horowitz's capacity classes: 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ
// follow energy ~ capacity^0.5 closely (bit-line and word-line lengths grow with sqrt(capacity)).
double EnergyModel::sram_access_energy_pj(double capacity_kib) const {
  if (!(capacity_kib > 0) || !std::isfinite(capacity_kib))
    throw std::invalid_argument("SRAM capacity must be positive");
  const auto& c = tables_.actions.sram_read_64bit;
  double pj = 0.0;
  if (capacity_kib <= c.front().capacity_kib) {
    pj = c.front().energy_pj;
  } else if (capacity_kib >= c.back().capacity_kib) {
    pj = c.back().energy_pj;
  } else {
    std::size_t i = 1;
    while (c[i].capacity_kib < capacity_kib) ++i;
    const double t = std::log(capacity_kib / c[i - 1].capacity_kib) /
                     std::log(c[i].capacity_kib / c[i - 1].capacity_kib);
    pj = std::exp(std::log(c[i - 1].energy_pj) + t * std::log(c[i].energy_pj / c[i - 1].energy_pj));
  }
  return pj * energy_factor_;
}

double EnergyModel::sram_energy_j(const std::string& buffer, std::uint64_t bytes_read,
                                  std::uint64_t bytes_written) const {
  const auto it = tables_.actions.sram_buffers.find(buffer);
  if (it == tables_.actions.sram_buffers.end())
    throw std::invalid_argument("unknown SRAM buffer '" + buffer + "'");
  const auto cap = params_.sram_buffer_kib.find(buffer);
  const double kib = cap == params_.sram_buffer_kib.end() ? it->second.capacity_kib : cap->second;
  const std::uint64_t accesses = (bytes_read + 7) / 8 + (bytes_written + 7) / 8;
  return double(accesses) * sram_access_energy_pj(kib) * 1e-12 * block_factor("sram");
}

double EnergyModel::dram_energy_per_byte_pj() const {
  return tables_.dram.dram.power_w / (tables_.dram.dram.bandwidth_gb_per_s * 1e9) * 1e12;
}
double EnergyModel::interface_energy_per_byte_pj() const {
  return tables_.dram.interface.power_w / (tables_.dram.interface.bandwidth_gb_per_s * 1e9) * 1e12;
}
double EnergyModel::dram_energy_j(std::uint64_t bytes) const {
  return double(bytes) * dram_energy_per_byte_pj() * 1e-12;
}
double EnergyModel::interface_energy_j(std::uint64_t bytes) const {
  return double(bytes) * interface_energy_per_byte_pj() * 1e-12;
}
double EnergyModel::background_energy_j(double elapsed_s) const {
  if (!(elapsed_s >= 0)) throw std::invalid_argument("elapsed time must be >= 0");
  return tables_.dram.background.power_w * elapsed_s;
}

}  // namespace star
