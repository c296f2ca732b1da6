// Resolution: defaults, model presets and "auto" values, then the checks that need several keys.
#include "scenario/resolved_scenario.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "mesh/orchestration.h"
#include "scenario/mesh_runs.h"
#include "star_core/job_context.h"

namespace star {

namespace {

bool is_pow2(std::uint64_t v) { return v && !(v & (v - 1)); }

class Resolver {
 public:
  explicit Resolver(const Scenario& s) : s_(s) {}

  ResolvedScenario run() {
    r_.file = s_.file;
    fill_defaults();
    resolve_name();
    resolve_workload();
    resolve_schedule();
    resolve_memory();
    resolve_tiling();
    resolve_tracing();
    resolve_mesh();
    if (issues_.empty()) build();
    if (issues_.empty() && r_.mesh) plan_mesh();
    if (!issues_.empty()) throw ScenarioError(issues_);
    return r_;
  }

 private:
  bool given(const std::string& k) const { return s_.given.count(k) != 0; }
  Value& v(const std::string& k) { return r_.values.at(k); }
  double num(const std::string& k) { return v(k).number; }
  std::uint32_t u32(const std::string& k) { return static_cast<std::uint32_t>(num(k)); }
  std::uint64_t u64(const std::string& k) { return static_cast<std::uint64_t>(num(k)); }
  const std::string& text(const std::string& k) { return v(k).text; }

  // Where a key's value came from: its own setting, else the first given of `fallbacks`, else the
  // file itself.
  SourceLocation where(const std::string& k, std::initializer_list<const char*> fallbacks = {}) const {
    auto it = s_.given.find(k);
    if (it != s_.given.end()) return it->second.where;
    for (const char* f : fallbacks) {
      auto jt = s_.given.find(f);
      if (jt != s_.given.end()) return jt->second.where;
    }
    return {s_.file.empty() ? "<scenario>" : s_.file, 0, 0};
  }

  void issue(const std::string& key, const std::string& msg, std::initializer_list<const char*> fallbacks = {}) {
    issues_.push_back({where(key, fallbacks), key, msg});
  }

  void fill_defaults() {
    const ModelPreset* preset = nullptr;
    const std::string model =
        given("workload.model") ? s_.given.at("workload.model").value.text : find_key_spec("workload.model")->default_text;
    preset = &model_preset(model);
    for (const KeySpec& spec : scenario_schema()) {
      Value val;
      if (given(spec.key)) {
        val = s_.given.at(spec.key).value;
      } else if (spec.default_text == "from model") {
        const std::string leaf = spec.key.substr(spec.key.rfind('.') + 1);
        const double n = leaf == "seq_len"    ? preset->seq_len
                         : leaf == "heads"    ? preset->heads
                         : leaf == "kv_heads" ? preset->kv_heads
                         : leaf == "head_dim" ? preset->head_dim
                         : leaf == "d_model"  ? preset->d_model
                                              : (preset->causal ? 1 : 0);
        val.number = n;
      } else {
        val = parse_value(spec, spec.default_text);
      }
      r_.values[spec.key] = val;
    }
  }

  void resolve_name() {
    if (v("name").is_auto) {
      std::string stem = s_.file.substr(s_.file.find_last_of('/') + 1);
      if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".yaml") == 0) stem.resize(stem.size() - 5);
      v("name") = Value{};
      v("name").text = stem.empty() ? "scenario" : stem;
    }
    r_.name = text("name");
    if (r_.name.empty() || r_.name.find('/') != std::string::npos)
      issue("name", "'" + r_.name + "' is not allowed; allowed: a non-empty name without '/'");
    if (v("outputs.dir").is_auto) {
      v("outputs.dir") = Value{};
      v("outputs.dir").text = "runs/" + r_.name;
    }
    r_.output_dir = text("outputs.dir");
    if (r_.output_dir.empty() || r_.output_dir == "." || r_.output_dir == "/")
      issue("outputs.dir", "'" + r_.output_dir + "' is not allowed; allowed: a folder path of its own (it is replaced whole)");
  }

  void resolve_workload() {
    const std::uint32_t S = u32("workload.seq_len");
    const std::uint32_t heads = u32("workload.heads"), kv = u32("workload.kv_heads");
    if (kv > heads || heads % kv)
      issue("workload.kv_heads",
            fmt::format("{} K/V heads do not divide {} query heads into equal groups; allowed: a divisor of workload.heads", kv, heads),
            {"workload.heads", "workload.model"});
    const std::uint32_t q = u32("workload.queries");
    if (text("workload.kind") == "full_layer" && q != 0 && q != S)
      issue("workload.queries",
            fmt::format("a full layer has one query per token: queries must be 0 or S = {}, got {}", S, q));
    if (q > S && v("workload.causal").number != 0)
      issue("workload.queries", fmt::format("{} causal queries cannot sit among S = {} keys; allowed: [0, {}]", q, S, S));
    if (!v("workload.top_k").is_auto) {
      const double k = num("workload.top_k");
      if (given("workload.keep"))
        issue("workload.top_k", "give workload.keep or workload.top_k, not both (keep = top_k / S)");
      else if (k > S)
        issue("workload.top_k",
              fmt::format("k = {} exceeds the sequence length N = S = {}; allowed: [1, {}]", k, S, S),
              {"workload.seq_len"});
      else
        v("workload.keep").number = k / S;
      v("workload.top_k") = Value{};
      v("workload.top_k").is_auto = true;  // resolved into keep
    }
  }

  void resolve_schedule() {
    const std::string sched = text("schedule");
    if (sched == "unsorted") {
      if (given("algorithm.sufa_order") && text("algorithm.sufa_order") != "unsorted")
        issue("algorithm.sufa_order",
              "schedule 'unsorted' means sufa_order unsorted; allowed with this schedule: unsorted", {"schedule"});
      v("algorithm.sufa_order").text = "unsorted";
    }
    if (sched == "dense" && text("algorithm.sufa_order") == "ascending")
      issue("algorithm.sufa_order",
            "'ascending' orders keys by predicted scores, which schedule 'dense' turns off; allowed: descending, unsorted",
            {"schedule"});
  }

  void resolve_memory() {
    const double channels = num("platform.memory.channels"), bpc = num("platform.memory.bytes_per_cycle");
    Value& bw = v("platform.memory.peak_bandwidth");
    if (!bw.is_auto) {
      const double clock = bw.number / (channels * bpc);
      if (given("platform.memory.clock") && std::fabs(clock - num("platform.memory.clock")) > 1e-6 * clock)
        issue("platform.memory.peak_bandwidth",
              fmt::format("{} disagrees with channels x clock x bytes_per_cycle = {}; give the clock or the bandwidth, not both",
                          format_quantity(bw.number, Dimension::bandwidth),
                          format_quantity(channels * bpc * num("platform.memory.clock"), Dimension::bandwidth)));
      else if (clock < 1e6 || clock > 1e11)
        issue("platform.memory.peak_bandwidth",
              fmt::format("needs a memory clock of {} Hz, outside [1 MHz, 100 GHz]", clock));
      else
        v("platform.memory.clock").number = clock;
    }
    bw = Value{};
    bw.number = channels * bpc * num("platform.memory.clock");
    for (const char* k : {"platform.memory.interleave", "platform.memory.page_size"})
      if (!is_pow2(u64(k)))
        issue(k, fmt::format("{} is not allowed; allowed: a power of two",
                             format_quantity(num(k), Dimension::bytes)));
    if (u64("platform.memory.capacity") % u64("platform.memory.interleave"))
      issue("platform.memory.capacity", "must be a multiple of platform.memory.interleave");
  }

  void resolve_tiling() {
    const std::uint64_t S = u32("workload.seq_len"), d = u32("workload.head_dim");
    const std::uint64_t buffer = u64("platform.core.token_buffer");
    const std::uint64_t q_block = num("tiling.block_queries") * d * 2;
    const std::uint64_t max_tile = buffer > q_block ? (buffer - q_block) / (d * 2) : 0;
    Value& n = v("tiling.subsegments");
    Value& bc = v("tiling.tile_keys");
    const std::string rule = fmt::format(
        "block_queries x head_dim x 2 + tile_keys x head_dim x 2 <= token_buffer ({})",
        format_quantity(double(buffer), Dimension::bytes));
    if (max_tile == 0) {
      issue("tiling.block_queries",
            fmt::format("the query block alone ({} B of Q) fills the token buffer; need {}", q_block, rule),
            {"platform.core.token_buffer", "workload.head_dim", "workload.model"});
      return;
    }
    std::uint64_t tile = 0;
    if (!n.is_auto && !bc.is_auto) {
      issue("tiling.tile_keys", "give tiling.subsegments or tiling.tile_keys, not both");
      return;
    }
    if (!bc.is_auto) {
      tile = u64("tiling.tile_keys");
      if (tile > S) {
        issue("tiling.tile_keys", fmt::format("{} keys exceed S = {}; allowed: [1, {}]", tile, S, std::min(S, max_tile)));
        return;
      }
    } else if (!n.is_auto) {
      const std::uint64_t segs = u64("tiling.subsegments");
      if (segs > S) {
        issue("tiling.subsegments", fmt::format("{} sub-segments exceed S = {} keys; allowed: [1, {}]", segs, S, S));
        return;
      }
      tile = (S + segs - 1) / segs;
    } else {
      // auto: the smallest n >= 4 (SOFA's usual choice) whose key tile fits.
      std::uint64_t segs = std::min<std::uint64_t>(4, S);
      while ((S + segs - 1) / segs > max_tile) ++segs;
      tile = (S + segs - 1) / segs;
    }
    if (tile > max_tile) {
      issue(bc.is_auto ? "tiling.subsegments" : "tiling.tile_keys",
            fmt::format("a key tile of {} keys does not fit the token buffer: need {}; allowed: at most {} keys per "
                        "tile (at least {} sub-segments)",
                        tile, rule, max_tile, (S + max_tile - 1) / max_tile),
            {"platform.core.token_buffer"});
      return;
    }
    n = Value{};
    n.is_auto = true;
    bc = Value{};
    bc.number = double(tile);
  }

  void resolve_tracing() {
    Value& end = v("tracing.end");
    if (!end.is_auto && end.number <= num("tracing.start"))
      issue("tracing.end", "must be after tracing.start", {"tracing.start"});
    for (const std::string& m : v("tracing.modules").list)
      if (m.empty()) issue("tracing.modules", "an empty entry; allowed: module names or globs such as core.*");
  }

  // Controller positions: a preset or edge:row entries (rows checked against the height).
  void resolve_mesh() {
    Value& en = v("mesh.enabled");
    if (en.is_auto) {
      bool any = false;
      for (const auto& [key, setting] : s_.given) any = any || (key.rfind("mesh.", 0) == 0);
      en = Value{};
      en.number = any ? 1 : 0;
    }
    r_.mesh = en.number != 0;
    if (!r_.mesh) return;
    MeshConfig& m = r_.mesh_config;
    m.width = u32("mesh.width");
    m.height = u32("mesh.height");
    const std::vector<std::string>& ctl = v("mesh.controllers").list;
    const std::string ck = "mesh.controllers";
    auto all_rows = [&](MeshEdge e) {
      for (std::uint32_t y = 0; y < m.height; ++y) m.controllers.push_back({e, y});
    };
    if (ctl.empty()) {
      issue(ck, "empty; allowed: one preset (west_east, west, east, corners) or a list of edge:row");
    } else if (ctl.size() == 1 && ctl[0] == "west_east") {
      all_rows(MeshEdge::west);
      all_rows(MeshEdge::east);
    } else if (ctl.size() == 1 && ctl[0] == "west") {
      all_rows(MeshEdge::west);
    } else if (ctl.size() == 1 && ctl[0] == "east") {
      all_rows(MeshEdge::east);
    } else if (ctl.size() == 1 && ctl[0] == "corners") {
      m.controllers = {{MeshEdge::west, 0}, {MeshEdge::east, 0}};
      if (m.height > 1) m.controllers.insert(m.controllers.end(), {{MeshEdge::west, m.height - 1}, {MeshEdge::east, m.height - 1}});
    } else {
      for (const std::string& c : ctl) {
        const std::size_t colon = c.find(':');
        const std::string edge = c.substr(0, colon);
        if (colon == std::string::npos || (edge != "west" && edge != "east")) {
          issue(ck, fmt::format("'{}' is not allowed; allowed: one preset (west_east, west, east, corners) or "
                                "entries edge:row with edge west or east, e.g. [west:0, east:3]", c));
          continue;
        }
        const std::string row = c.substr(colon + 1);
        std::size_t used = 0;
        unsigned long y = 0;
        try {
          y = std::stoul(row, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != row.size() || row[0] == '-' || y >= m.height) {
          issue(ck, fmt::format("'{}': row '{}' is outside the mesh; allowed rows: 0 to {} (mesh.height {})", c,
                                row, m.height - 1, m.height),
                {"mesh.height"});
          continue;
        }
        const MeshEdge e = edge == "west" ? MeshEdge::west : MeshEdge::east;
        for (const MemoryControllerPlacement& p : m.controllers)
          if (p.edge == e && p.row == y) issue(ck, fmt::format("'{}' is given twice", c));
        m.controllers.push_back({e, static_cast<std::uint32_t>(y)});
      }
    }
    m.noc.fidelity = parse_noc_fidelity(text("mesh.noc.fidelity"));
    m.noc.routing = parse_noc_routing(text("mesh.noc.routing"));
    m.noc.topology = parse_noc_topology(text("mesh.noc.topology"));
    m.noc.flit_bits = u32("mesh.noc.link_bits");
    m.noc.num_vcs = u32("mesh.noc.vcs");
    m.noc.vc_buffer_flits = u32("mesh.noc.buffer_flits");
    m.noc.body_flit_bypass = num("mesh.noc.body_flit_bypass") != 0;
    if (m.noc.flit_bits % 8)
      issue("mesh.noc.link_bits", fmt::format("{} bits is not a whole number of bytes; allowed: a multiple of 8 in [8, 4096]", m.noc.flit_bits));
    if (m.noc.num_vcs % 2)
      issue("mesh.noc.vcs", fmt::format("{} virtual channels cannot be split evenly between requests and responses; allowed: an even number", m.noc.num_vcs));
    if (m.noc.topology == NocTopology::Torus) {
      if (m.noc.routing == NocRouting::WestFirst)
        issue("mesh.noc.routing", "west_first is deadlock-free on a mesh only; allowed with mesh.noc.topology torus: xy, yx",
              {"mesh.noc.topology"});
      if (m.noc.num_vcs < 4)
        issue("mesh.noc.vcs",
              fmt::format("{} virtual channels give one per class, and a torus's dateline needs two per class; allowed "
                          "with mesh.noc.topology torus: an even number >= 4",
                          m.noc.num_vcs),
              {"mesh.noc.topology"});
    }
    r_.orchestrations = v("mesh.orchestration").list;
    if (r_.orchestrations.empty()) issue("mesh.orchestration", "empty; allowed: a list of orchestration names");
    // A full layer (X and weights in DRAM, K/V generated on demand) splits by query rows only.
    std::string full_layer_allowed;
    for (Orchestration o : all_orchestrations())
      if (takes_full_layer(o)) full_layer_allowed += (full_layer_allowed.empty() ? "" : ", ") + to_string(o);
    for (const std::string& o : r_.orchestrations) {
      try {
        const Orchestration parsed = parse_orchestration(o);
        if (text("workload.kind") == "full_layer" && !takes_full_layer(parsed))
          issue("mesh.orchestration",
                fmt::format("'{}' splits attention-only layers only (workload.kind is full_layer); allowed with "
                            "full_layer: {}",
                            o, full_layer_allowed),
                {"workload.kind"});
      } catch (const std::invalid_argument& e) {
        issue("mesh.orchestration", e.what());
      }
    }
    m.ring_buffer_bytes = u64("mesh.ring_buffer_bytes");
    const bool ring = std::find(r_.orchestrations.begin(), r_.orchestrations.end(), "ring") != r_.orchestrations.end();
    if (ring && !v("tiling.tile_keys").is_auto) {
      const std::uint32_t tile = u32("tiling.tile_keys"), d = u32("workload.head_dim");
      try {
        check_ring_buffer(tile, d, m.ring_buffer_bytes, "mesh.ring_buffer_bytes");
      } catch (const std::invalid_argument& e) {
        issue("mesh.ring_buffer_bytes",
              fmt::format("{}; allowed: at least {} with tiling.tile_keys {} and head_dim {}", e.what(),
                          format_quantity(4.0 * tile * d * 2, Dimension::bytes), tile, d),
              {"mesh.orchestration", "tiling.tile_keys"});
      }
    }
    for (const std::string& c : v("mesh.compare").list) {
      if (c == "baseline") r_.compare_baseline = true;
      else if (c == "one_core") r_.compare_one_core = true;
      else issue("mesh.compare", fmt::format("'{}' is not allowed; allowed: baseline, one_core", c));
    }
  }

  void build() {
    CoreConfig& c = r_.soc.core;
    const std::string p = "platform.core.";
    c.clock_hz = num(p + "clock");
    c.lz_encoders = u32(p + "lz_encoders");
    c.dlzs_rows = u32(p + "dlzs_rows");
    c.dlzs_cols = u32(p + "dlzs_cols");
    c.sort_cores = u32(p + "sort_cores");
    c.kvgen_rows = u32(p + "kvgen_rows");
    c.kvgen_cols = u32(p + "kvgen_cols");
    c.sufa_rows = u32(p + "sufa_rows");
    c.sufa_cols = u32(p + "sufa_cols");
    c.exp_units = u32(p + "exp_units");
    c.div_units = u32(p + "div_units");
    c.token_buffer_bytes = u64(p + "token_buffer");
    c.weight_buffer_bytes = u64(p + "weight_buffer");
    c.temp_buffer_bytes = u64(p + "temp_buffer");
    c.kv_buffer_rows = u32(p + "kv_buffer_rows");
    c.fifo_depth = u32(p + "fifo_depth");
    c.fetch_bytes_per_cycle = u32(p + "fetch_bytes_per_cycle");
    c.max_burst_bytes = u32(p + "max_burst");
    c.stage_overhead_cycles = u32(p + "stage_overhead_cycles");

    HbmConfig& m = r_.soc.memory;
    const std::string mp = "platform.memory.";
    m.channels = u32(mp + "channels");
    m.clock_hz = num(mp + "clock");
    m.bytes_per_cycle = u32(mp + "bytes_per_cycle");
    m.access_latency = sc_core::sc_time(num(mp + "access_latency"), sc_core::SC_PS);
    m.interleave_bytes = u64(mp + "interleave");
    m.capacity_bytes = u64(mp + "capacity");
    m.page_bytes = u64(mp + "page_size");
    m.monitor_window = sc_core::sc_time(num(mp + "monitor_window"), sc_core::SC_PS);
    r_.mode = parse_data_mode(text("mode"));
    m.mode = r_.mode;
    r_.soc.bus_latency = sc_core::sc_time(num("platform.bus_latency"), sc_core::SC_PS);

    CoreJob& j = r_.job;
    j.kind = parse_job_kind(text("workload.kind"));
    j.seq_len = u32("workload.seq_len");
    j.n_queries = j.kind == JobKind::full_layer ? 0 : u32("workload.queries");
    j.heads = u32("workload.heads");
    j.kv_heads = u32("workload.kv_heads");
    j.head_dim = u32("workload.head_dim");
    j.d_model = u32("workload.d_model");
    StarAlgoConfig& a = j.algo;
    a.predictor = parse_predictor(text("algorithm.predictor"));
    a.dense = text("schedule") == "dense";
    a.sads.keep = num("workload.keep");
    a.sads.radius = static_cast<std::int64_t>(num("algorithm.radius"));
    a.sads.core_inputs = u32("algorithm.sort_core_inputs");
    a.sads.core_outputs = u32("algorithm.sort_core_outputs");
    a.tile_keys = u32("tiling.tile_keys");
    a.block_queries = u32("tiling.block_queries");
    a.sufa.order = parse_sufa_order(text("algorithm.sufa_order"));
    a.sufa.guard = parse_max_guard(text("algorithm.max_guard"));
    a.causal = num("workload.causal") != 0;
    a.on_demand_kv = num("algorithm.on_demand_kv") != 0;
    j.flow = text("schedule") == "stage-isolated" ? Flow::stage_isolated : Flow::coordinated;
    j.rass = num("algorithm.rass") != 0;
    if (j.kind == JobKind::full_layer) {
      j.shifts.q.assign(j.heads, 0);
      j.shifts.k.assign(j.kv_heads, 0);
      j.shifts.v.assign(j.kv_heads, 0);
      j.shifts.k_hat.assign(j.kv_heads, 0);
    }
    place_regions();

    r_.perf.overlap = num("workload.overlap");
    resolve_batching();
    r_.data = parse_row_type(text("workload.data"));
    r_.seed = u64("workload.seed");
    r_.batch = u32("workload.batch");
    r_.trace.enabled = num("tracing.enabled") != 0;
    r_.trace.start = sc_core::sc_time(num("tracing.start"), sc_core::SC_PS);
    if (!v("tracing.end").is_auto) r_.trace.end = sc_core::sc_time(num("tracing.end"), sc_core::SC_PS);
    r_.trace.module_filter = v("tracing.modules").list;
    r_.accuracy = text("outputs.accuracy");
    r_.accuracy_max_seq_len = u32("outputs.accuracy_max_seq_len");

    // The platform's own validators catch what the schema's ranges cannot see.
    check("platform.core", [&] { c.validate(); });
    check("platform.memory", [&] { m.validate(); });
    // On a mesh these addresses are replaced by the spread placement: only the shapes matter.
    const std::uint64_t job_memory = r_.mesh ? std::uint64_t{1} << 62 : m.capacity_bytes;
    if (issues_.empty()) check("workload", [&] { j.validate(c, job_memory); });
    if (r_.mesh) {
      r_.mesh_config.core = c;
      r_.mesh_config.memory = m;
      if (issues_.empty()) check("mesh", [&] { r_.mesh_config.validate(); });
      if (issues_.empty()) place_mesh_groups();
    }
  }

  // workload.batch_tiles: a given k is checked against the job; auto takes the library's rule
  // (the layer's k; a mesh's query_split_multicast may cap it, ResolvedScenario::mesh_batch_tiles).
  void resolve_batching() {
    const CoreJob& j = r_.job;
    const bool functional = r_.mode == DataMode::functional;
    r_.batch_auto = v("workload.batch_tiles").is_auto;
    r_.target_cells = u64("workload.target_cells");
    r_.min_job_cells = u32("workload.min_job_cells");
    if (!r_.batch_auto) {
      r_.perf.batch_tiles = u32("workload.batch_tiles");
      if (given("workload.batch_tiles"))
        check("workload.batch_tiles", [&] { check_workload(r_.perf, j, functional); });
      return;
    }
    r_.perf.batch_tiles = auto_batch_tiles(j, r_.target_cells, functional);
  }

  // The job's tensors one region apart (as soc/job_placement.h places them); the region is the
  // largest tensor rounded up to 1 MiB.
  void place_regions() {
    CoreJob& j = r_.job;
    std::uint64_t largest = std::max({j.x_bytes(), j.wq_bytes(), j.wkv_bytes(), j.q_bytes(),
                                      j.kv_bytes(), j.o_bytes(), j.scratch_bytes()});
    const std::uint64_t mib = std::uint64_t{1} << 20;
    const std::uint64_t region = (largest + mib - 1) / mib * mib;
    r_.region_bytes = region;
    const std::uint64_t needed = 7 * region;
    // A mesh spreads the layer over its controllers instead (place_mesh_groups).
    if (!r_.mesh && needed > r_.soc.memory.capacity_bytes) {
      issue("platform.memory.capacity",
            fmt::format("the job needs {} of DRAM (7 regions of {}: inputs, weights, output, scratch); "
                        "allowed: at least that much",
                        format_quantity(double(needed), Dimension::bytes),
                        format_quantity(double(region), Dimension::bytes)),
            {"workload.seq_len", "workload.model"});
      return;
    }
    if (j.kind == JobKind::full_layer) {
      j.x_addr = region, j.wq_addr = 2 * region, j.wk_addr = 3 * region, j.wv_addr = 4 * region;
      j.o_addr = 5 * region, j.scratch_addr = 6 * region;
    } else {
      j.q_addr = region, j.k_addr = 2 * region, j.v_addr = 3 * region;
      j.o_addr = 4 * region, j.scratch_addr = 5 * region;
    }
  }

  // Spread placement (mesh/mesh_placement.h): one K/V group per region, groups dealt over the
  // controllers, all in the lower half of each controller. A full layer stays whole in the first
  // controller (every core reads all of X), its regions as on one core (place_regions).
  void place_mesh_groups() {
    if (r_.job.kind == JobKind::full_layer) {
      const std::uint64_t needed = 2 * 6 * r_.region_bytes;
      if (needed > r_.soc.memory.capacity_bytes)
        issue("platform.memory.capacity",
              fmt::format("the first memory controller needs {} (a full layer's X, W_q, W_k, W_v and O in 6 regions "
                          "of {} in its lower half, the upper half for the cores' scratch); allowed: at least that much",
                          format_quantity(double(needed), Dimension::bytes),
                          format_quantity(double(r_.region_bytes), Dimension::bytes)),
              {"workload.seq_len", "workload.model"});
      return;
    }
    CoreJob g = r_.job;
    g.heads = g.group();
    g.kv_heads = 1;
    const std::uint64_t mib = std::uint64_t{1} << 20;
    const std::uint64_t largest = std::max({g.q_bytes(), g.kv_bytes(), g.o_bytes()});
    r_.mesh_region_bytes = (largest + mib - 1) / mib * mib;
    const std::uint64_t controllers = r_.mesh_config.placements().size();
    const std::uint64_t per_controller = (r_.job.kv_heads + controllers - 1) / controllers;
    const std::uint64_t needed = 2 * per_controller * 4 * r_.mesh_region_bytes;
    if (needed > r_.soc.memory.capacity_bytes)
      issue("platform.memory.capacity",
            fmt::format("each memory controller needs {} ({} K/V groups of 4 regions of {} in its lower half, the "
                        "upper half for the cores' scratch); allowed: at least that much",
                        format_quantity(double(needed), Dimension::bytes), per_controller,
                        format_quantity(double(r_.mesh_region_bytes), Dimension::bytes)),
            {"workload.seq_len", "mesh.controllers"});
  }

  // Every run's plan, as the runner makes it before simulating (mesh/orchestration.h: the cores'
  // scratch slots in the upper half of their nearest controller), so that a layer whose scratch
  // does not fit fails here, not after a sweep's earlier points have run.
  void plan_mesh() {
    try {
      const MeshLayout layout(r_.mesh_config);
      plan_mesh_runs(r_, layout, mesh_layer_parts(r_, layout));
    } catch (const std::invalid_argument& e) {
      issue("platform.memory.capacity", e.what(), {"workload.seq_len", "mesh.orchestration"});
    }
  }

  template <class F>
  void check(const std::string& section, F f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      issues_.push_back({where(section, {"workload.model"}), section, e.what()});
    }
  }

  const Scenario& s_;
  ResolvedScenario r_;
  std::vector<ScenarioIssue> issues_;
};

}  // namespace

ResolvedScenario resolve(const Scenario& s) { return Resolver(s).run(); }

std::uint32_t ResolvedScenario::mesh_batch_tiles(Orchestration o) const {
  if (!batch_auto) return perf.batch_tiles;
  return auto_batch_tiles(o, job, target_cells, min_job_cells, mode == DataMode::functional);
}

std::string value_text(const KeySpec& spec, const Value& v) {
  if (v.is_auto) return "auto";
  switch (spec.kind) {
    case ValueKind::integer: return fmt::format("{}", static_cast<long long>(v.number));
    case ValueKind::real: return fmt::format("{}", v.number);
    case ValueKind::boolean: return v.number != 0 ? "true" : "false";
    case ValueKind::quantity: return format_quantity(v.number, spec.dimension);
    case ValueKind::choice:
    case ValueKind::text: return v.text;
    case ValueKind::text_list: {
      YAML::Emitter e;
      e << YAML::Flow << v.list;
      return e.c_str();
    }
  }
  return "";
}

std::string resolved_yaml(const ResolvedScenario& r, const std::string& header_comment) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  std::vector<std::string> open;  // current section path
  for (const KeySpec& spec : scenario_schema()) {
    std::vector<std::string> parts;
    std::size_t start = 0, dot;
    while ((dot = spec.key.find('.', start)) != std::string::npos) {
      parts.push_back(spec.key.substr(start, dot - start));
      start = dot + 1;
    }
    const std::string leaf = spec.key.substr(start);
    std::size_t common = 0;
    while (common < open.size() && common < parts.size() && open[common] == parts[common]) ++common;
    while (open.size() > common) e << YAML::EndMap, open.pop_back();
    while (open.size() < parts.size()) {
      e << YAML::Key << parts[open.size()] << YAML::Value << YAML::BeginMap;
      open.push_back(parts[open.size()]);
    }
    const Value& v = r.values.at(spec.key);
    e << YAML::Key << leaf << YAML::Value;
    if (spec.kind == ValueKind::text_list && !v.is_auto)
      e << YAML::Flow << v.list;
    else if (spec.kind == ValueKind::text)
      e << YAML::DoubleQuoted << v.text;
    else
      e << value_text(spec, v);
  }
  while (!open.empty()) e << YAML::EndMap, open.pop_back();
  e << YAML::EndMap;
  std::string out;
  std::size_t start = 0, nl;
  while ((nl = header_comment.find('\n', start)) != std::string::npos || start < header_comment.size()) {
    if (nl == std::string::npos) nl = header_comment.size();
    out += "# " + header_comment.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  return out + e.c_str() + "\n";
}

}  // namespace star
