// Per-cell DRAM transfer plans (modules/controller/transfer_plan.h): summed over the schedule they
// reproduce count_traffic's DRAM bytes per stage and direction, in every flow / job / reuse
// regime; the tiny case of docs/tiling.md is checked transfer by transfer.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <stdexcept>

#include "controller/tiling_model.h"
#include "controller/transfer_plan.h"
#include "tiling_test_support.h"

using namespace star;
using namespace star::test;

namespace {


// Each query keeps each key of a visited tile with probability `keep`, in random order.
std::vector<RowSelection> random_rows(const TilingConfig& cfg, double keep, std::mt19937& rng) {
  const KeyTiling kt = cfg.key_tiling();
  std::bernoulli_distribution pick(keep);
  std::vector<RowSelection> rows;
  for (std::uint32_t q = 0; q < cfg.n_queries; ++q) {
    std::vector<std::vector<std::uint32_t>> per(kt.n_tiles());
    for (std::uint32_t t = 0; t < kt.n_tiles(); ++t) {
      if (!cfg.visits(q / cfg.block_queries, t)) continue;
      for (std::uint32_t k = 0; k < kt.tile_len(t); ++k)
        if (pick(rng)) per[t].push_back(kt.tile_first(t) + k);
      std::shuffle(per[t].begin(), per[t].end(), rng);
    }
    rows.push_back(make_selection(per));
  }
  return rows;
}

TilingConfig random_config(std::mt19937& rng) {
  auto upto = [&](std::uint64_t n) { return rng() % n; };
  TilingConfig c;
  c.seq_len = 1 + upto(200);
  c.kind = upto(2) ? JobKind::full_layer : JobKind::attention_only;
  c.causal = upto(2);
  c.n_queries = 1 + upto(c.kind == JobKind::full_layer || c.causal ? c.seq_len : 300);
  c.head_dim = 1 + upto(40);
  c.d_model = 1 + upto(400);
  c.block_queries = 1 + upto(48);
  c.tile_keys = 1 + upto(c.seq_len);
  c.rass = upto(2);
  const std::uint64_t q_block = std::uint64_t{c.block_queries} * c.head_dim * 2;
  c.token_buffer_bytes = q_block + upto(3 * q_block + std::uint64_t{c.seq_len} * c.head_dim * 2);
  c.weight_buffer_bytes = upto(3 * std::uint64_t{c.d_model} * c.head_dim + 2);
  c.temp_buffer_bytes = upto(std::uint64_t{c.block_queries} * (c.head_dim + 2) * 2 + 2);
  return c;
}

using StageDram = std::array<std::array<std::uint64_t, 2>, kStageCount>;  // [stage][dir]

StageDram sum_transfers(const TilingConfig& cfg, Flow flow, const TrafficReport& policy,
                        const SelectionStats& st) {
  StageDram sum{};
  for (const TileStep& s : make_schedule(cfg, flow))
    for (const Transfer& t :
         cell_transfers(cfg, flow, policy, st.cell(s.query_block, s.tile), s.query_block, s.tile))
      sum[static_cast<std::size_t>(t.stage)][static_cast<std::size_t>(t.dir)] += t.bytes();
  return sum;
}

// Rows a contiguous transfer of the operand may address.
std::uint64_t operand_rows(const TilingConfig& cfg, Operand op) {
  switch (op) {
    case Operand::x:
    case Operand::k:
    case Operand::v:
    case Operand::k_hat:
    case Operand::kv_cache:
      return cfg.seq_len;
    case Operand::q:
    case Operand::o:
    case Operand::a_hat:
      return cfg.n_queries;
    case Operand::w_q:
    case Operand::w_k:
    case Operand::w_v:
      return cfg.d_model;
    case Operand::lz_w_k:
    case Operand::sufa_state:
      return 1;
    default:
      return ~std::uint64_t{0};  // packed per-cell lists
  }
}


std::string describe(const Transfer& t) {
  return to_string(t.stage) + " " + to_string(t.dir) + " " + to_string(t.operand) +
         (t.gather ? " gather " : " from " + std::to_string(t.first_row) + " ") +
         std::to_string(t.rows) + "x" + std::to_string(t.bytes_per_row) + " pass " +
         std::to_string(t.pass);
}
std::vector<std::string> describe(const std::vector<Transfer>& ts) {
  std::vector<std::string> out;
  for (const Transfer& t : ts) out.push_back(describe(t));
  return out;
}

}  // namespace

TEST_CASE("cell transfers sum to count_traffic's DRAM bytes in every regime", "[transfer_plan]") {
  std::mt19937 rng(2026);
  std::map<std::string, int> regimes;  // which policies and capacity cases the configs reached
  for (int i = 0; i < 400; ++i) {
    const TilingConfig cfg = random_config(rng);
    const double keep = std::array<double, 4>{0.0, 0.05, 0.3, 0.9}[rng() % 4];
    const SelectionStats st = selection_stats(random_rows(cfg, keep, rng), cfg, rng() % 6);
    for (Flow flow : {Flow::coordinated, Flow::stage_isolated}) {
      const TrafficReport r = count_traffic(cfg, flow, st);
      const StageDram sum = sum_transfers(cfg, flow, r, st);
      INFO("config " << i << ", " << to_string(flow) << ", " << to_string(cfg.kind));
      for (std::size_t s = 0; s < kStageCount; ++s) {
        INFO("stage " << to_string(static_cast<Stage>(s)));
        REQUIRE(sum[s][0] == r.per_stage[s].dram_read);
        REQUIRE(sum[s][1] == r.per_stage[s].dram_write);
      }
      const std::string job = to_string(flow) + "/" + to_string(cfg.kind);
      ++regimes[job + "/K " + to_string(r.key_reuse)];
      ++regimes[job + "/KV " + to_string(r.kv_reuse)];
      ++regimes[job + (cfg.rass ? "/rass" : "/vanilla")];
      ++regimes[job + (cfg.causal ? "/causal" : "/dense")];
      if (r.stage(Stage::formal).dram_read > 0) ++regimes[job + "/formal dram"];
      for (std::uint8_t loads : r.score_loads) regimes["two-pass softmax"] += loads == 2;
      if (cfg.kind == JobKind::full_layer)
        for (bool resident : r.weight_resident) ++regimes[job + (resident ? "/W res" : "/W str")];
    }
  }
  // The random configurations must reach every regime, or the sums above prove little.
  for (const char* job : {"coordinated/full_layer", "stage_isolated/full_layer",
                          "coordinated/attention_only", "stage_isolated/attention_only"}) {
    INFO(job);
    const std::string j = job;
    CHECK(regimes[j + "/K resident"] > 0);
    CHECK(regimes[j + "/K spill"] > 0);
    CHECK(regimes[j + "/rass"] > 0);
    CHECK(regimes[j + "/vanilla"] > 0);
    CHECK(regimes[j + "/causal"] > 0);
    CHECK(regimes[j + "/formal dram"] > 0);  // SU-FA state or stage_isolated intermediates
  }
  CHECK(regimes["two-pass softmax"] > 0);
  CHECK(regimes["coordinated/full_layer/K recompute"] > 0);
  CHECK(regimes["stage_isolated/full_layer/K recompute"] > 0);
  CHECK(regimes["coordinated/full_layer/KV spill"] > 0);
  CHECK(regimes["coordinated/full_layer/KV regenerate"] > 0);
  CHECK(regimes["coordinated/full_layer/W res"] > 0);
  CHECK(regimes["coordinated/full_layer/W str"] > 0);
  CHECK(regimes["stage_isolated/full_layer/W str"] > 0);
}

TEST_CASE("tiny case: the coordinated full_layer transfers, one by one", "[transfer_plan]") {
  const TilingConfig cfg = tiny_config(JobKind::full_layer);
  const SelectionStats st = selection_stats(tiny_rows(), cfg, 0);
  const TrafficReport r = count_traffic(cfg, Flow::coordinated, st);
  // Cell (0, 0): resident W_q, the block's X rows (tokens 6, 7), resident LZ(W_k), the X tile,
  // resident W_k and W_v, the 3 union rows' X rows in RASS order.
  CHECK(describe(cell_transfers(cfg, Flow::coordinated, r, st.cell(0, 0), 0, 0)) ==
        std::vector<std::string>{
            "kvgen read w_q from 0 4x2 pass 0", "kvgen read x from 6 2x4 pass 0",
            "predict read lz_w_k from 0 1x4 pass 0", "predict read x from 0 4x4 pass 0",
            "kvgen read w_k from 0 4x2 pass 0", "kvgen read w_v from 0 4x2 pass 0",
            "kvgen read x gather 3x4 pass 0"});
  // Cell (0, 1), the block's last: the X tile, 2 union rows, O written.
  CHECK(describe(cell_transfers(cfg, Flow::coordinated, r, st.cell(0, 1), 0, 1)) ==
        std::vector<std::string>{"predict read x from 4 4x4 pass 0",
                                 "kvgen read x gather 2x4 pass 0",
                                 "output write o from 0 2x8 pass 0"});
}

TEST_CASE("streamed tiles and query slices: the tiny case's transfers", "[transfer_plan]") {
  // Full layer, queries = tokens 2, 3 (two tokens after them), the X tile streamed whole for K/V
  // generation (Spatial-STAR query_split_multicast) instead of the union rows' gather.
  TilingConfig cfg = tiny_config(JobKind::full_layer);
  cfg.tokens_after_queries = 4;
  cfg.stream_kv_tiles = true;
  SelectionStats st = selection_stats(tiny_rows(), cfg, 0);
  TrafficReport r = count_traffic(cfg, Flow::coordinated, st);
  CHECK(describe(cell_transfers(cfg, Flow::coordinated, r, st.cell(0, 1), 0, 1)) ==
        std::vector<std::string>{"predict read x from 4 4x4 pass 0", "kvgen read x from 4 4x4 pass 0",
                                 "output write o from 0 2x8 pass 0"});
  CHECK(describe(cell_transfers(cfg, Flow::coordinated, r, st.cell(0, 0), 0, 0))[1] ==
        "kvgen read x from 2 2x4 pass 0");  // the queries' X rows
  // Attention only: the whole V tile instead of the union rows' gather.
  cfg = tiny_config(JobKind::attention_only);
  cfg.stream_kv_tiles = true;
  st = selection_stats(tiny_rows(), cfg, 0);
  r = count_traffic(cfg, Flow::coordinated, st);
  CHECK(describe(cell_transfers(cfg, Flow::coordinated, r, st.cell(0, 1), 0, 1)) ==
        std::vector<std::string>{"predict read k from 4 4x4 pass 0", "kvgen read v from 4 4x4 pass 0",
                                 "output write o from 0 2x8 pass 0"});
  // A query slice needs a non-causal full layer that holds it.
  cfg.tokens_after_queries = 1;
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("tokens_after_queries"));
  cfg.kind = JobKind::full_layer;
  cfg.tokens_after_queries = 7;
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("tokens_after_queries"));
  cfg.tokens_after_queries = 6;
  CHECK_NOTHROW(validate(cfg));
  cfg.causal = true;
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("tokens_after_queries"));
}

TEST_CASE("tiny case: stage-isolated transfers follow the passes", "[transfer_plan]") {
  const TilingConfig cfg = tiny_config(JobKind::attention_only);
  const SelectionStats st = selection_stats(tiny_rows(), cfg, 0);
  const TrafficReport r = count_traffic(cfg, Flow::stage_isolated, st);
  CHECK(describe(cell_transfers(cfg, Flow::stage_isolated, r, st.cell(0, 1), 0, 1)) ==
        std::vector<std::string>{
            "predict read k from 4 4x4 pass 2", "predict write a_hat from 0 2x8 pass 2",
            "select read a_hat from 0 2x8 pass 3", "select write indices from 0 4x2 pass 3",
            "formal read indices from 0 4x2 pass 5", "kvgen read k gather 2x4 pass 5",
            "formal write scores from 0 4x2 pass 5",
            // softmax: the cell's 4 scores loaded once (the block's 16 B fit), probabilities stored
            "formal read scores from 0 4x2 pass 6", "formal write probabilities from 0 4x2 pass 6",
            "formal read probabilities from 0 4x2 pass 7", "formal read indices from 0 4x2 pass 7",
            "kvgen read v gather 2x4 pass 7", "output write o from 0 2x8 pass 7"});
}

TEST_CASE("transfers stay inside their operands and write O once per query", "[transfer_plan]") {
  std::mt19937 rng(77);
  for (int i = 0; i < 60; ++i) {
    const TilingConfig cfg = random_config(rng);
    const SelectionStats st = selection_stats(random_rows(cfg, 0.2, rng), cfg, 2);
    for (Flow flow : {Flow::coordinated, Flow::stage_isolated}) {
      const TrafficReport r = count_traffic(cfg, flow, st);
      std::vector<int> o_writes(cfg.n_queries, 0);
      for (const TileStep& s : make_schedule(cfg, flow)) {
        const TileSelectionStats& c = st.cell(s.query_block, s.tile);
        const auto ts = cell_transfers(cfg, flow, r, c, s.query_block, s.tile);
        std::uint8_t last_pass = 0;
        for (const Transfer& t : ts) {
          INFO(describe(t));
          CHECK(t.rows > 0);
          CHECK(t.pass >= last_pass);  // issue order: pass by pass
          last_pass = t.pass;
          CHECK((flow == Flow::coordinated) == (t.pass == 0));
          if (t.gather) {
            // Gathers never exceed the rows the cell's gather loads.
            CHECK(t.rows <= (cfg.rass ? std::uint64_t{c.union_rows} : c.vanilla_loads));
          } else {
            CHECK(std::uint64_t{t.first_row} + t.rows <= operand_rows(cfg, t.operand));
          }
          if (t.operand == Operand::o)
            for (std::uint32_t q = t.first_row; q < t.first_row + t.rows; ++q) ++o_writes[q];
        }
      }
      CHECK(std::all_of(o_writes.begin(), o_writes.end(), [](int n) { return n == 1; }));
    }
  }
}

TEST_CASE("spilled K/V: fresh rows are generated, the rest of the union reloaded",
          "[transfer_plan]") {
  TilingConfig cfg;
  cfg.seq_len = 256;
  cfg.n_queries = 256;
  cfg.head_dim = 16;
  cfg.d_model = 512;  // X row 512 B vs K/V row 64 B: spill
  cfg.block_queries = 32;
  cfg.tile_keys = 64;
  cfg.causal = true;  // the last block is the first to visit the diagonal tile: fresh, not stored
  std::mt19937 rng(5);
  const SelectionStats st = selection_stats(random_rows(cfg, 0.1, rng), cfg, 0);
  const TrafficReport r = count_traffic(cfg, Flow::coordinated, st);
  REQUIRE(r.kv_reuse == KvReuse::spill);
  std::uint64_t reloaded_cells = 0, last_block_fresh = 0;
  for (const TileStep& s : make_schedule(cfg, Flow::coordinated)) {
    const TileSelectionStats& c = st.cell(s.query_block, s.tile);
    std::uint64_t x_rows = 0, stored = 0, reloaded = 0;
    for (const Transfer& t : cell_transfers(cfg, Flow::coordinated, r, c, s.query_block, s.tile)) {
      if (!t.gather) continue;
      if (t.operand == Operand::x) x_rows += t.rows;
      if (t.operand == Operand::kv_cache) {
        CHECK(t.bytes_per_row == 4u * cfg.head_dim);
        (t.dir == Direction::write ? stored : reloaded) += t.rows;
      }
    }
    CHECK(x_rows == c.fresh_rows);
    CHECK(reloaded == c.union_rows - c.fresh_rows);
    // Stored when a later block visits the tile (all but the last block); RASS loads each union
    // row once, so the last block's own gather never reloads.
    CHECK(stored == (s.query_block + 1 < cfg.n_blocks() ? c.fresh_rows : 0u));
    if (s.query_block + 1 == cfg.n_blocks()) CHECK(reloaded + x_rows == c.union_rows);
    reloaded_cells += reloaded > 0;
    if (s.query_block + 1 == cfg.n_blocks()) last_block_fresh += c.fresh_rows;
  }
  CHECK(reloaded_cells > 0);
  CHECK(last_block_fresh > 0);
}

TEST_CASE("RASS off: the K/V gathers load the vanilla gather's rows", "[transfer_plan]") {
  TilingConfig cfg = tiny_config(JobKind::attention_only);
  cfg.rass = false;
  const SelectionStats st = selection_stats(tiny_rows(), cfg, 0);
  const TrafficReport r = count_traffic(cfg, Flow::coordinated, st);
  for (std::uint32_t t = 0; t < 2; ++t) {
    std::uint64_t v_rows = 0;
    for (const Transfer& x : cell_transfers(cfg, Flow::coordinated, r, st.cell(0, t), 0, t))
      if (x.operand == Operand::v) {
        CHECK(x.gather);
        v_rows += x.rows;
      }
    CHECK(v_rows == st.cell(0, t).vanilla_loads);  // 4 per cell, not the union's 3 and 2
  }
}

TEST_CASE("cell_transfers rejects bad input, naming the problem", "[transfer_plan]") {
  TilingConfig cfg = tiny_config(JobKind::attention_only);
  cfg.n_queries = 8;
  cfg.block_queries = 4;
  cfg.causal = true;  // block 0 skips tile 1
  std::mt19937 rng(1);
  const SelectionStats st = selection_stats(random_rows(cfg, 0.5, rng), cfg, 0);
  const TrafficReport r = count_traffic(cfg, Flow::coordinated, st);
  CHECK_NOTHROW(cell_transfers(cfg, Flow::coordinated, r, st.cell(1, 1), 1, 1));
  CHECK_THROWS_WITH(cell_transfers(cfg, Flow::coordinated, r, st.cell(0, 1), 0, 1),
                    Catch::Contains("not in the schedule"));
  CHECK_THROWS_WITH(cell_transfers(cfg, Flow::coordinated, r, st.cell(0, 0), 2, 0),
                    Catch::Contains("block 2"));
  CHECK_THROWS_WITH(cell_transfers(cfg, Flow::coordinated, TrafficReport{}, st.cell(0, 0), 0, 0),
                    Catch::Contains("policy"));
  TileSelectionStats bad = st.cell(1, 0);
  bad.union_rows = 5;  // the tile has 4 keys
  CHECK_THROWS_WITH(cell_transfers(cfg, Flow::coordinated, r, bad, 1, 0),
                    Catch::Contains("inconsistent"));
  TilingConfig broken = cfg;
  broken.tile_keys = 0;
  CHECK_THROWS_WITH(cell_transfers(broken, Flow::coordinated, r, st.cell(0, 0), 0, 0),
                    Catch::Contains("tile_keys"));
  // count_traffic: tile_union must be the cells' fresh rows (each selected row is fresh once).
  SelectionStats skew = st;
  REQUIRE(skew.cells[0].fresh_rows > 0);
  --skew.cells[0].fresh_rows;
  CHECK_THROWS_WITH(count_traffic(cfg, Flow::stage_isolated, skew), Catch::Contains("fresh rows"));
  CHECK(to_string(Operand::kv_cache) == "kv_cache");
  CHECK(to_string(Operand::sufa_state) == "sufa_state");
  CHECK(to_string(Direction::write) == "write");
}
