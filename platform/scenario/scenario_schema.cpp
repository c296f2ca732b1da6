#include "scenario/scenario_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "noc/noc_config.h"

namespace star {

namespace {

KeySpec spec(std::string key, ValueKind kind) {
  KeySpec s;
  s.key = std::move(key);
  s.kind = kind;
  return s;
}

KeySpec integer(std::string key, double min, double max, std::string def, std::string doc) {
  KeySpec s = spec(std::move(key), ValueKind::integer);
  s.min = min, s.max = max, s.default_text = std::move(def), s.doc = std::move(doc);
  return s;
}
KeySpec real(std::string key, double min, double max, bool min_open, std::string def,
             std::string doc) {
  KeySpec s = spec(std::move(key), ValueKind::real);
  s.min = min, s.max = max, s.min_open = min_open, s.default_text = std::move(def);
  s.doc = std::move(doc);
  return s;
}
KeySpec quantity(std::string key, Dimension dim, double min, double max, std::string def,
                 std::string doc) {
  KeySpec s = spec(std::move(key), ValueKind::quantity);
  s.dimension = dim;
  s.min = min, s.max = max, s.default_text = std::move(def), s.doc = std::move(doc);
  return s;
}
KeySpec choice(std::string key, std::vector<std::string> choices, std::string def, std::string doc) {
  KeySpec s = spec(std::move(key), ValueKind::choice);
  s.choices = std::move(choices), s.default_text = std::move(def), s.doc = std::move(doc);
  return s;
}
KeySpec boolean(std::string key, std::string def, std::string doc) {
  KeySpec s = spec(std::move(key), ValueKind::boolean);
  s.default_text = std::move(def), s.doc = std::move(doc);
  return s;
}
KeySpec with_auto(KeySpec s) {
  s.allows_auto = true;
  return s;
}

constexpr double kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;
constexpr double kMaxTokens = 1 << 24;

std::vector<KeySpec> build_schema() {
  std::vector<KeySpec> k;
  // Top level.
  KeySpec name = spec("name", ValueKind::text);
  name.default_text = "auto";
  name.allows_auto = true;
  name.doc = "scenario name, used in reports and the default output folder; auto: the file name without .yaml";
  k.push_back(name);
  k.push_back(choice("mode", {"functional", "performance"}, "performance",
                     "functional: generated data moves through the DRAM model, real outputs and "
                     "accuracy; performance: no data (100K+ tokens), same timing"));
  k.push_back(choice("schedule", {"coordinated", "stage-isolated", "dense", "unsorted"},
                     "coordinated",
                     "coordinated: STAR's cross-stage tile pipeline; stage-isolated: intermediates "
                     "through DRAM; dense: prediction off, every key kept; unsorted: SU-FA as "
                     "FlashAttention-2 (sufa_order unsorted)"));
  // Platform: the core (STAR-SPEC section 3).
  const std::string c = "platform.core.";
  k.push_back(quantity(c + "clock", Dimension::frequency, 1e6, 1e11, "1 GHz", "core clock"));
  k.push_back(integer(c + "lz_encoders", 1, 65536, "128", "DLZS leading-zero encoders"));
  k.push_back(integer(c + "dlzs_rows", 1, 4096, "128", "DLZS shift-add array rows"));
  k.push_back(integer(c + "dlzs_cols", 1, 4096, "32", "DLZS shift-add array columns"));
  k.push_back(integer(c + "sort_cores", 1, 4096, "128", "SADS sort cores (one per query row)"));
  k.push_back(integer(c + "kvgen_rows", 1, 4096, "128", "K/V generation array rows"));
  k.push_back(integer(c + "kvgen_cols", 1, 4096, "4", "K/V generation array columns"));
  k.push_back(integer(c + "sufa_rows", 1, 4096, "128", "SU-FA array rows (each of SA-1, SA-2)"));
  k.push_back(integer(c + "sufa_cols", 1, 4096, "2", "SU-FA array columns (each of SA-1, SA-2)"));
  k.push_back(integer(c + "exp_units", 1, 4096, "128", "SU-FA exponent units"));
  k.push_back(integer(c + "div_units", 1, 4096, "128", "SU-FA dividers"));
  k.push_back(quantity(c + "token_buffer", Dimension::bytes, 1 * kKiB, 1 * kGiB, "192 KiB",
                       "token buffer: one query block's Q plus one key tile"));
  k.push_back(quantity(c + "weight_buffer", Dimension::bytes, 1 * kKiB, 1 * kGiB, "96 KiB",
                       "weight buffer"));
  k.push_back(quantity(c + "temp_buffer", Dimension::bytes, 1 * kKiB, 1 * kGiB, "28 KiB",
                       "temporary buffer (selection masks, partial results)"));
  k.push_back(integer(c + "kv_buffer_rows", 1, 1 << 20, "64",
                      "K/V rows the vanilla gather (RASS off) can reuse"));
  k.push_back(integer(c + "fifo_depth", 1, 64, "2", "tile FIFO depth between stages (tiles)"));
  k.push_back(integer(c + "fetch_bytes_per_cycle", 1, 4096, "64",
                      "data fetcher interface width (bytes per core cycle)"));
  k.push_back(quantity(c + "max_burst", Dimension::bytes, 64, 1 * kMiB, "16 KiB",
                       "longest burst of the data fetcher"));
  k.push_back(integer(c + "stage_overhead_cycles", 0, 100000, "8",
                      "fixed pipeline overhead per tile and stage (cycles)"));
  // Platform: HBM (STAR-SPEC section 3).
  const std::string m = "platform.memory.";
  k.push_back(integer(m + "channels", 1, 1024, "16", "HBM channels"));
  k.push_back(quantity(m + "clock", Dimension::frequency, 1e6, 1e11, "2 GHz",
                       "data-bus clock of each channel"));
  k.push_back(integer(m + "bytes_per_cycle", 1, 1024, "8", "bytes per channel per memory cycle"));
  k.push_back(with_auto(quantity(m + "peak_bandwidth", Dimension::bandwidth, 1e6, 1e15, "auto",
                                 "peak over all channels; auto: channels x clock x "
                                 "bytes_per_cycle (256 GB/s); when given it sets memory.clock")));
  k.push_back(quantity(m + "access_latency", Dimension::time, 0, 1e9, "100 ns",
                       "fixed latency added to each access"));
  k.push_back(quantity(m + "interleave", Dimension::bytes, 8, 1 * kGiB, "256 B",
                       "channel interleaving granule"));
  k.push_back(quantity(m + "capacity", Dimension::bytes, 1 * kMiB, 1024 * kGiB, "8 GiB",
                       "memory capacity (addresses beyond it are errors)"));
  k.push_back(quantity(m + "page_size", Dimension::bytes, 4 * kKiB, 1 * kGiB, "64 KiB",
                       "backing-store allocation unit (functional mode) and DMI grant"));
  k.push_back(quantity(m + "monitor_window", Dimension::time, 1e3, 1e12, "1 us",
                       "window of the bandwidth-utilisation statistic"));
  k.push_back(quantity("platform.bus_latency", Dimension::time, 0, 1e9, "0 ps",
                       "address-bus latency per transaction"));
  // Workload.
  const std::string w = "workload.";
  std::vector<std::string> models;
  for (const ModelPreset& p : model_presets()) models.push_back(p.name);
  k.push_back(choice(w + "model", models, "bert-base",
                     "preset that sets seq_len, heads, kv_heads, head_dim, d_model and causal "
                     "unless given (see the preset table)"));
  k.push_back(choice(w + "kind", {"full_layer", "attention_only"}, "full_layer",
                     "full_layer: X and weights in DRAM, K/V generated on demand; "
                     "attention_only: Q, K, V given (KV cache)"));
  k.push_back(integer(w + "seq_len", 1, kMaxTokens, "from model", "sequence length S (keys)"));
  k.push_back(integer(w + "queries", 0, kMaxTokens, "0",
                      "queries of an attention_only job (0: S); a full layer has S"));
  k.push_back(integer(w + "heads", 1, 1024, "from model", "query heads"));
  k.push_back(integer(w + "kv_heads", 1, 1024, "from model",
                      "K/V heads (GQA groups): heads / kv_heads query heads share one"));
  k.push_back(integer(w + "head_dim", 1, 1024, "from model", "head dimension d"));
  k.push_back(integer(w + "d_model", 1, 65536, "from model", "model width (full layer)"));
  k.push_back(integer(w + "batch", 1, 1e6, "1",
                      "sequences; the core runs them one after another, so latency and energy "
                      "scale with batch (the report gives both)"));
  k.push_back(boolean(w + "causal", "from model", "causal mask (decoder prefill)"));
  k.push_back(real(w + "keep", 0, 1, true, "0.25", "keep ratio k: share of keys each query keeps"));
  k.push_back(with_auto(integer(w + "top_k", 1, kMaxTokens, "auto",
                                "keys kept per query row; when given, keep = top_k / S (give "
                                "keep or top_k, not both)")));
  k.push_back(choice(w + "data",
                     {"gaussian", "outlier_channels", "dominant", "spread", "clustered", "mixed"},
                     "mixed", "generated input rows (functional mode; docs/generators.md)"));
  k.push_back(integer(w + "seed", 0, 9007199254740992.0, "1", "generator seed"));
  k.push_back(real(w + "overlap", 0, 1, false, "0.5",
                   "performance mode: share of each row's picks shared with its query block"));
  k.push_back(with_auto(integer(w + "batch_tiles", 1, 4096, "1",
                                "performance mode, attention-only coordinated jobs: one macro cell per this many "
                                "key tiles (same bytes and operation counts, faster to simulate; docs/core.md); 1: "
                                "exact; auto: the smallest k giving at most workload.target_cells macro cells (1 "
                                "where batching cannot apply; the report gives the k used)")));
  k.push_back(integer(w + "target_cells", 1, 1e12, "200000",
                      "batch_tiles auto: the most macro cells of the layer (sets the simulation's cost); unused otherwise"));
  k.push_back(integer(w + "min_job_cells", 1, 65536, "8",
                      "batch_tiles auto on a mesh: query_split_multicast's one-block jobs keep at least this "
                      "many macro cells (docs/mesh.md); unused otherwise"));
  // Algorithm.
  const std::string a = "algorithm.";
  k.push_back(choice(a + "predictor", {"dlzs", "slzs", "int4", "exact"}, "dlzs",
                     "score predictor (STAR-SPEC 2.1)"));
  k.push_back(integer(a + "radius", -1, 1e15, "-1",
                      "SADS spherical radius in predicted-score units; -1: clipping off"));
  k.push_back(integer(a + "sort_core_inputs", 4, 1024, "16", "SADS bitonic sort core inputs"));
  k.push_back(integer(a + "sort_core_outputs", 1, 1023, "4", "SADS sort core outputs"));
  k.push_back(choice(a + "sufa_order", {"descending", "ascending", "unsorted"}, "descending",
                     "SU-FA key order (schedule: unsorted sets unsorted)"));
  k.push_back(choice(a + "max_guard", {"compare_update", "subtract_max", "off"}, "compare_update",
                     "SU-FA guard for a mispredicted maximum"));
  k.push_back(boolean(a + "rass", "true", "reuse-aware K/V load schedule"));
  k.push_back(boolean(a + "on_demand_kv", "true",
                      "generate K/V only for selected tokens (false: every token, ablation)"));
  // Tiling.
  const std::string t = "tiling.";
  k.push_back(with_auto(integer(t + "subsegments", 1, kMaxTokens, "auto",
                                "key tiles per row n (B_c = ceil(S / n)); auto: the smallest n "
                                ">= 4 whose tile fits the token buffer")));
  k.push_back(with_auto(integer(t + "tile_keys", 1, kMaxTokens, "auto",
                                "key tile length B_c (give subsegments or tile_keys, not both)")));
  k.push_back(integer(t + "block_queries", 1, 65536, "128", "queries processed together T"));
  // Spatial-STAR mesh (STAR-SPEC section 5; docs/mesh.md).
  const std::string me = "mesh.";
  k.push_back(with_auto(boolean(me + "enabled", "auto",
                                "run the layer on a mesh of STAR cores; auto: true when the scenario gives "
                                "any other mesh key")));
  k.push_back(integer(me + "width", 1, 16, "4", "mesh columns (cores per row)"));
  k.push_back(integer(me + "height", 1, 16, "4", "mesh rows"));
  KeySpec controllers = spec(me + "controllers", ValueKind::text_list);
  controllers.default_text = "[west_east]";
  controllers.doc = "memory controllers: one preset (west_east: one per row on both edges; west; east; "
                    "corners: both ends of the top and bottom rows) or a list of edge:row positions "
                    "such as [west:0, east:3]";
  k.push_back(controllers);
  k.push_back(choice(me + "noc.fidelity", {"flit", "packet"}, "packet",
                     "NoC model: flit (cycle-level routers) or packet (link reservation; on "
                     "scenarios/mesh-4x4.yaml about 220x faster than flit and within 0.4 % of its "
                     "makespans, kv_split +0.2 %, ring -10.9 %; docs/noc.md)"));
  k.push_back(choice(me + "noc.topology", {"mesh", "torus"}, "mesh",
                     "NoC topology: mesh, or torus (wrap-around links closing each row and column; needs xy or yx "
                     "routing and mesh.noc.vcs >= 4: a dateline splits each class's VCs; docs/noc.md)"));
  k.push_back(choice(me + "noc.routing", {"xy", "yx", "west_first"}, "xy", "NoC routing"));
  k.push_back(integer(me + "noc.link_bits", 8, 4096, "128", "NoC link (flit) width in bits, a multiple of 8"));
  k.push_back(integer(me + "noc.vcs", 2, NocConfig::kMaxVcs, "4",
                      "virtual channels per input port (split between requests and responses)"));
  k.push_back(integer(me + "noc.buffer_flits", 1, NocConfig::kMaxVcBufferFlits, "8",
                      "depth of each virtual-channel buffer; below the credit loop (7 cycles with these routers) "
                      "the packet NoC is far off and the summary notes it (docs/noc.md)"));
  k.push_back(boolean(me + "noc.body_flit_bypass", "true",
                      "body flits may win switch allocation the cycle they are written, as in BookSim2; false: "
                      "they wait the head's route computation and VC allocation stages (docs/noc.md)"));
  KeySpec orch = spec(me + "orchestration", ValueKind::text_list);
  orch.default_text = "[query_split]";
  orch.doc = "orchestration(s) to run, each on the same mesh one after another: baseline, query_split, "
             "query_split_multicast, kv_split, ring (docs/mesh.md says which are implemented; a full layer "
             "takes baseline, query_split, query_split_multicast)";
  k.push_back(orch);
  k.push_back(quantity(me + "ring_buffer_bytes", Dimension::bytes, 1, 1 * kGiB, "512 KiB",
                       "ring: each core's shard buffer, the piece it holds and the one it receives (K and V "
                       "each); at least one key tile each (4 x tile_keys x head_dim x 2 B)"));
  KeySpec compare = spec(me + "compare", ValueKind::text_list);
  compare.default_text = "[]";
  compare.doc = "also run these references and report the speedup over them: baseline, one_core "
                "(query_split on core 0 alone)";
  k.push_back(compare);
  // Tracing.
  k.push_back(boolean("tracing.enabled", "false", "write trace.vcd (GTKWave) in the output folder"));
  k.push_back(quantity("tracing.start", Dimension::time, 0, 1e18, "0 ps",
                       "traced values change only from this simulated time"));
  k.push_back(with_auto(quantity("tracing.end", Dimension::time, 1, 1e18, "auto",
                                 "... until this time; auto: the end of the run")));
  KeySpec modules = spec("tracing.modules", ValueKind::text_list);
  modules.default_text = "[]";
  modules.doc = "modules to trace (globs such as core.*; on a mesh mesh.core3, mesh.mc*, mesh.noc); empty: all";
  k.push_back(modules);
  // Outputs.
  KeySpec dir = spec("outputs.dir", ValueKind::text);
  dir.default_text = "auto";
  dir.allows_auto = true;
  dir.doc = "output folder; auto: runs/<name> (star-sim -o overrides it)";
  k.push_back(dir);
  k.push_back(choice("outputs.accuracy", {"off", "first_head", "all_heads"}, "first_head",
                     "functional mode: accuracy against the dense double-precision reference"));
  k.push_back(integer("outputs.accuracy_max_seq_len", 1, kMaxTokens, "4096",
                      "skip the accuracy reference above this S (it is quadratic), with a note"));
  return k;
}

}  // namespace

const std::vector<ModelPreset>& model_presets() {
  static const std::vector<ModelPreset> presets{
      {"custom", 1024, 1, 1, 64, 768, false, "one head, CoreJob's defaults"},
      {"bert-base", 512, 12, 12, 64, 768, false, "BERT-base encoder layer"},
      {"bert-large", 512, 16, 16, 64, 1024, false, "BERT-large encoder layer"},
      {"gpt2", 1024, 12, 12, 64, 768, true, "GPT-2 (small) decoder layer, prefill"},
      {"vit-base", 197, 12, 12, 64, 768, false, "ViT-B/16 at 224x224: 196 patches + class token"},
      {"llama2-7b", 4096, 32, 32, 128, 4096, true, "Llama-2-7B decoder layer, 4K prefill"},
  };
  return presets;
}

const ModelPreset& model_preset(const std::string& name) {
  for (const ModelPreset& p : model_presets())
    if (p.name == name) return p;
  throw std::invalid_argument("unknown model preset '" + name + "'");
}

const std::vector<KeySpec>& scenario_schema() {
  static const std::vector<KeySpec> schema = build_schema();
  return schema;
}

const KeySpec* find_key_spec(const std::string& key) {
  for (const KeySpec& s : scenario_schema())
    if (s.key == key) return &s;
  return nullptr;
}

std::vector<std::string> child_names(const std::string& prefix) {
  std::vector<std::string> out;
  const std::string p = prefix.empty() ? "" : prefix + ".";
  for (const KeySpec& s : scenario_schema()) {
    if (s.key.compare(0, p.size(), p) != 0) continue;
    const std::string rest = s.key.substr(p.size());
    const std::string child = rest.substr(0, rest.find('.'));
    if (std::find(out.begin(), out.end(), child) == out.end()) out.push_back(child);
  }
  if (prefix.empty()) out.push_back("sweep");
  return out;
}

bool is_section(const std::string& prefix) {
  for (const KeySpec& s : scenario_schema())
    if (s.key.compare(0, prefix.size() + 1, prefix + ".") == 0) return true;
  return false;
}

std::string allowed_text(const KeySpec& s) {
  std::string out;
  switch (s.kind) {
    case ValueKind::integer:
      out = fmt::format("an integer in [{}, {}]", s.min, s.max);
      break;
    case ValueKind::real:
      out = fmt::format("a number in {}{}, {}]", s.min_open ? "(" : "[", s.min, s.max);
      break;
    case ValueKind::boolean: out = "true or false"; break;
    case ValueKind::choice: {
      out = "one of ";
      for (std::size_t i = 0; i < s.choices.size(); ++i) out += (i ? ", " : "") + s.choices[i];
      break;
    }
    case ValueKind::quantity:
      out = fmt::format("a {} in [{}, {}] (units: {})",
                        s.dimension == Dimension::frequency ? "frequency"
                        : s.dimension == Dimension::bytes   ? "size"
                        : s.dimension == Dimension::time    ? "time"
                                                            : "bandwidth",
                        format_quantity(s.min, s.dimension), format_quantity(s.max, s.dimension),
                        unit_names(s.dimension));
      break;
    case ValueKind::text: out = "a string"; break;
    case ValueKind::text_list: out = "a list of strings"; break;
  }
  if (s.allows_auto) out += ", or auto";
  return out;
}

}  // namespace star
