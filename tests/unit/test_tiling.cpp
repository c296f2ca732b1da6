// Cross-stage tiling: schedule, selection statistics and the per-stage byte accounting of the
// coordinated (STAR) and stage-isolated flows (modules/controller/tiling_model.h).
#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>

#include "controller/tiling_model.h"
#include "tiling_test_support.h"

using namespace star;
using namespace star::test;

namespace {



Traffic traffic(std::uint64_t dr, std::uint64_t dw, std::uint64_t sr, std::uint64_t sw) {
  Traffic t;
  t.dram_read = dr;
  t.dram_write = dw;
  t.sram_read = sr;
  t.sram_write = sw;
  return t;
}

void check_stage(const TrafficReport& r, Stage s, const Traffic& want) {
  INFO("stage " << to_string(s));
  CHECK(r.stage(s).dram_read == want.dram_read);
  CHECK(r.stage(s).dram_write == want.dram_write);
  CHECK(r.stage(s).sram_read == want.sram_read);
  CHECK(r.stage(s).sram_write == want.sram_write);
}

// Keep-ratio selections with shared heavy hitters: per tile, 16 popular rows each picked with
// probability 3/4, then random other rows up to `keep` rows.
std::vector<RowSelection> realistic_rows(const TilingConfig& cfg, std::uint32_t keep,
                                         unsigned seed) {
  std::mt19937 rng(seed);
  const KeyTiling kt = cfg.key_tiling();
  std::vector<std::vector<std::uint32_t>> heavy(kt.n_tiles());
  for (std::uint32_t t = 0; t < kt.n_tiles(); ++t) {
    std::vector<std::uint32_t> all(kt.tile_len(t));
    std::iota(all.begin(), all.end(), kt.tile_first(t));
    std::shuffle(all.begin(), all.end(), rng);
    heavy[t].assign(all.begin(), all.begin() + std::min<std::size_t>(16, all.size()));
  }
  std::vector<RowSelection> rows;
  std::vector<char> taken(cfg.seq_len);
  for (std::uint32_t q = 0; q < cfg.n_queries; ++q) {
    const std::uint64_t pos = std::uint64_t{cfg.seq_len} - cfg.n_queries + q;
    std::vector<std::vector<std::uint32_t>> per_tile(kt.n_tiles());
    for (std::uint32_t t = 0; t < kt.n_tiles(); ++t) {
      if (!cfg.visits(q / cfg.block_queries, t)) continue;
      auto& sel = per_tile[t];
      const std::uint32_t first = kt.tile_first(t), len = kt.tile_len(t);
      const std::uint32_t allowed = cfg.causal ? static_cast<std::uint32_t>(std::min<std::uint64_t>(
                                                     len, pos + 1 > first ? pos + 1 - first : 0))
                                               : len;
      const std::uint32_t want = std::min(keep, allowed);
      for (std::uint32_t h : heavy[t])
        if (sel.size() < want && h - first < allowed && rng() % 4 != 0)
          sel.push_back(h), taken[h] = 1;
      while (sel.size() < want) {
        const std::uint32_t k = first + rng() % allowed;
        if (!taken[k]) sel.push_back(k), taken[k] = 1;
      }
      for (std::uint32_t k : sel) taken[k] = 0;
    }
    rows.push_back(make_selection(per_tile));
  }
  return rows;
}

}  // namespace

TEST_CASE("selection_stats counts union, selected and vanilla loads per cell", "[tiling]") {
  const TilingConfig cfg = tiny_config(JobKind::full_layer);
  const SelectionStats st = selection_stats(tiny_rows(), cfg, 0);
  REQUIRE(st.n_blocks == 1);
  REQUIRE(st.n_tiles == 2);
  CHECK(st.cell(0, 0).union_rows == 3);  // {0, 1, 2}
  CHECK(st.cell(0, 0).selected == 4);
  CHECK(st.cell(0, 0).vanilla_loads == 4);
  CHECK(st.cell(0, 1).union_rows == 2);  // {4, 5}
  CHECK(st.cell(0, 1).vanilla_loads == 4);
  CHECK(selection_stats(tiny_rows(), cfg, 2).cell(0, 1).vanilla_loads == 2);
  CHECK(st.tile_union == std::vector<std::uint32_t>{3, 2});
}

TEST_CASE("hand-computed traffic: coordinated full_layer, tiny case", "[tiling]") {
  const TilingConfig cfg = tiny_config(JobKind::full_layer);
  const TrafficReport r =
      count_traffic(cfg, Flow::coordinated, selection_stats(tiny_rows(), cfg, 0));
  CHECK(r.key_reuse == KeyReuse::resident);
  CHECK(r.kv_reuse ==
        KvReuse::regenerate);  // one block: nothing to reuse, the tie keeps STAR's flow
  CHECK(r.weight_resident == std::array<bool, 4>{true, true, true, true});
  // Sizes: X tile 4x4 = 16, K_hat tile 4x2x2 = 16, Q block 2x2x2 = 8, A_hat cell 2x4x2 = 16,
  // LZ(W_k) 4x2/2 = 4, W 4x2 = 8; cell 0: union 3, 4 selected; cell 1: union 2, 4 selected.
  // predict, per tile: X tile fetched (16 DRAM, 16 in, 16 out), K_hat made (16 in) and read (16),
  // Q read (8), A_hat made (16); LZ(W_k) fetched once (4), read per tile (2 x 4).
  check_stage(r, Stage::predict,
              traffic(16 + 16 + 4, 0, 2 * (16 + 16 + 8) + 8, 2 * (16 + 16 + 16) + 4));
  // select, per tile: A_hat read (16), indices made (2 B x 4).
  check_stage(r, Stage::select, traffic(0, 0, 2 * 16, 2 * 8));
  // kvgen: X_b fetched (8) + W_q (8) -> Q made (8); per cell indices read (8), union X rows fetched
  // (3x4, 2x4) -> K and V made (3x8, 2x8); W_k, W_v fetched once (8 each), read per cell (2 x 8).
  check_stage(r, Stage::kvgen,
              traffic(8 + 8 + 12 + 8 + 8 + 8, 0, 8 + 8 + (8 + 12) + (8 + 8) + 16 + 16,
                      8 + 8 + 8 + (12 + 24) + (8 + 16) + 8 + 8));
  // formal, per cell: Q (8) + broadcast K/V rows (3x8, 2x8) read; state 2x(2+2)x2 = 16
  // read+written.
  check_stage(r, Stage::formal, traffic(0, 0, (8 + 24 + 16) + (8 + 16 + 16), 16 + 16));
  // output: state read (16), O made (16: binary32) and stored (16).
  check_stage(r, Stage::output, traffic(0, 16, 16 + 16, 16));
  CHECK(r.total().dram() == 88 + 16);
}

TEST_CASE("hand-computed traffic: stage-isolated full_layer, tiny case", "[tiling]") {
  const TilingConfig cfg = tiny_config(JobKind::full_layer);
  const TrafficReport r =
      count_traffic(cfg, Flow::stage_isolated, selection_stats(tiny_rows(), cfg, 0));
  // predict: Q_b reloaded (8); per tile as coordinated plus A_hat stored (16 read out, 16 DRAM).
  check_stage(r, Stage::predict,
              traffic(8 + 16 + 16 + 4, 32, 2 * (16 + 16 + 8 + 16) + 8, 8 + 2 * (16 + 16 + 16) + 4));
  // select, per cell: A_hat fetched (16 DRAM, in, out), indices made and stored (8).
  check_stage(r, Stage::select, traffic(32, 16, 2 * (16 + 8), 2 * (16 + 8)));
  // kvgen: Q pass (X_b 8 fetched, Q made 8, stored 8); K/V pass per tile (indices 8 fetched, union
  // X rows 12 / 8 fetched, K/V 24 / 16 made and stored); K rows (12, 8) and V rows (12, 8) gathered
  // for the QK^T and PV passes; weights W_q 8, W_k 8, W_v 8 fetched, read 8 + 16 + 16.
  check_stage(r, Stage::kvgen,
              traffic(8 + (8 + 12 + 8 + 8) + (12 + 8) + (12 + 8) + 24, 8 + 24 + 16,
                      8 + 8 + (8 + 12 + 24 + 8 + 8 + 16) + 40,
                      8 + 8 + (8 + 12 + 24 + 8 + 8 + 16) + (12 + 8) + (12 + 8) + 24));
  // formal: Q_b (8) in; QK^T per cell: indices 8 fetched, Q + K rows read (8+12, 8+8), scores 8
  // made and stored; softmax: scores 16 fetched, probabilities 16 made and stored; PV per cell:
  // probabilities + indices 16 fetched, V rows read (12, 8), o state 2x2x2 = 8 read+written.
  check_stage(r, Stage::formal,
              traffic(8 + 16 + 16 + 32, 16 + 16, 16 + (20 + 16) + 16 + 16 + 16 + 32 + (12 + 8) + 16,
                      8 + 16 + 16 + 16 + 16 + 32 + 16));
  check_stage(r, Stage::output, traffic(0, 16, 8 + 16, 16));
}

TEST_CASE("hand-computed traffic: coordinated attention_only, tiny case", "[tiling]") {
  const TilingConfig cfg = tiny_config(JobKind::attention_only);
  const TrafficReport r =
      count_traffic(cfg, Flow::coordinated, selection_stats(tiny_rows(), cfg, 0));
  CHECK(r.weight_resident == std::array<bool, 4>{});
  // predict: Q_b fetched (8); per tile the K tile (16) fetched and read, Q read (8), A_hat made
  // (16).
  check_stage(r, Stage::predict, traffic(8 + 32, 0, 2 * (16 + 8), 8 + 2 * (16 + 16)));
  check_stage(r, Stage::select, traffic(0, 0, 32, 16));
  // kvgen: indices read (8 per cell); only V rows fetched (3x4, 2x4): K rows come from the K tile.
  check_stage(r, Stage::kvgen, traffic(12 + 8, 0, 16, 12 + 8));
  check_stage(r, Stage::formal, traffic(0, 0, (8 + 24 + 16) + (8 + 16 + 16), 32));
  check_stage(r, Stage::output, traffic(0, 16, 32, 16));
}

TEST_CASE("hand-computed traffic: stage-isolated attention_only, RASS off", "[tiling]") {
  TilingConfig cfg = tiny_config(JobKind::attention_only);
  cfg.rass = false;
  const TrafficReport r =
      count_traffic(cfg, Flow::stage_isolated, selection_stats(tiny_rows(), cfg, 0));
  check_stage(r, Stage::predict, traffic(8 + 32, 32, 2 * (16 + 8 + 16), 8 + 2 * (16 + 16)));
  // Vanilla gather: 4 K rows and 4 V rows per cell (4 B each), each read by its own query lane.
  check_stage(r, Stage::kvgen, traffic(2 * (16 + 16), 0, 0, 2 * (16 + 16)));
  check_stage(r, Stage::formal,
              traffic(8 + 16 + 16 + 32, 16 + 16, 16 + (8 + 16) * 2 + 16 + 16 + 16 + 32 + 32 + 16,
                      8 + 16 + 16 + 16 + 16 + 32 + 16));
}

TEST_CASE("SU-FA state that does not fit the temp buffer round-trips DRAM", "[tiling]") {
  TilingConfig cfg = tiny_config(JobKind::full_layer);
  cfg.temp_buffer_bytes = 10;  // the 16 B state: 10 B on chip, 6 B in DRAM
  const TrafficReport r =
      count_traffic(cfg, Flow::coordinated, selection_stats(tiny_rows(), cfg, 0));
  check_stage(r, Stage::formal, traffic(2 * 6, 2 * 6, (8 + 24 + 10) + (8 + 16 + 10), 2 * 10));
  check_stage(r, Stage::output, traffic(6, 16, 10 + 16, 16));
}

TEST_CASE("a small token buffer re-fetches K rows and reads scores twice", "[tiling]") {
  TilingConfig cfg = tiny_config(JobKind::attention_only);
  cfg.block_queries = 2;        // Q block 2 x 2 x 2 = 8 B
  cfg.token_buffer_bytes = 12;  // neither all of K (32 B) nor one K tile (16 B) fits beside Q
  const SelectionStats st = selection_stats(tiny_rows(), cfg, 0);
  const TrafficReport co = count_traffic(cfg, Flow::coordinated, st);
  CHECK(co.key_reuse == KeyReuse::spill);
  // Predict fetches the K tiles as before (one block); kvgen now fetches K and V rows (3x4x2,
  // 2x4x2).
  check_stage(co, Stage::predict, traffic(8 + 32, 0, 2 * (16 + 8), 8 + 2 * (16 + 16)));
  check_stage(co, Stage::kvgen, traffic(24 + 16, 0, 16, 24 + 16));
  // Stage-isolated softmax: the block's 16 B of scores exceed 12 B, so they are loaded twice.
  const TrafficReport iso = count_traffic(cfg, Flow::stage_isolated, st);
  check_stage(
      iso, Stage::formal,
      traffic(8 + 16 + 32 + 32, 16 + 16, 16 + (8 + 12 + 8 + 8) + 16 + 32 + 16 + 32 + (12 + 8) + 16,
              8 + 16 + 16 + 32 + 16 + 32 + 16));
}

TEST_CASE("coordinated flow keeps intermediates on chip and beats stage-isolated (S=2048)",
          "[tiling]") {
  TilingConfig cfg;
  cfg.seq_len = 2048;
  cfg.n_queries = 2048;
  cfg.head_dim = 64;
  cfg.d_model = 768;
  cfg.tile_keys = 128;
  const auto rows = realistic_rows(cfg, 32, 7);  // keep 25 % of every tile
  const SelectionStats st = selection_stats(rows, cfg, 64);
  for (JobKind kind : {JobKind::full_layer, JobKind::attention_only}) {
    cfg.kind = kind;
    INFO(to_string(kind));
    const TrafficReport co = count_traffic(cfg, Flow::coordinated, st);
    const TrafficReport iso = count_traffic(cfg, Flow::stage_isolated, st);
    CHECK(iso.total().dram() > co.total().dram());
    CHECK(co.stage(Stage::select).dram() == 0);  // A_hat and indices never leave the chip
    CHECK(co.stage(Stage::formal).dram() == 0);  // neither scores, probabilities nor SU-FA state
    CHECK(co.stage(Stage::output).dram_write == 2048ull * 64 * 4);  // binary32 O
    // Stage-isolated also writes all of A_hat (2048 x 2048 x 2 B), reads it back for top-k, and
    // round-trips indices, scores and probabilities.
    CHECK(iso.stage(Stage::predict).dram_write - co.stage(Stage::predict).dram_write ==
          2048ull * 2048 * 2);
    CHECK(iso.stage(Stage::select).dram_read == 2048ull * 2048 * 2);
    CHECK(iso.stage(Stage::formal).dram_write == 2 * (2048ull * 512 * 2));
    // K_hat / K (256 KiB) does not fit next to Q in 192 KiB: reloaded per block.
    CHECK(co.key_reuse == KeyReuse::spill);
    // RASS loads each shared row once: fewer K/V-path DRAM reads than the vanilla gather.
    TilingConfig off = cfg;
    off.rass = false;
    const TrafficReport co_off = count_traffic(off, Flow::coordinated, st);
    CHECK(co.stage(Stage::kvgen).dram_read < co_off.stage(Stage::kvgen).dram_read);
    CHECK(co.stage(Stage::predict) == co_off.stage(Stage::predict));
    CHECK(co.total().dram() < co_off.total().dram());
  }
}

TEST_CASE("K_hat reuse policy follows the cheaper of spill and recompute", "[tiling]") {
  TilingConfig cfg;
  cfg.seq_len = 512;
  cfg.n_queries = 512;
  cfg.head_dim = 64;
  cfg.tile_keys = 64;
  cfg.token_buffer_bytes = 32 * 1024;  // Q block 16 KiB; K_hat 64 KiB does not fit
  const auto rows = realistic_rows(cfg, 16, 3);
  cfg.d_model = 768;  // X tile row 768 B vs K_hat row 128 B: spill
  CHECK(count_traffic(cfg, Flow::coordinated, selection_stats(rows, cfg, 0)).key_reuse ==
        KeyReuse::spill);
  cfg.d_model = 32;  // X tile row 32 B vs 128 B: recompute
  CHECK(count_traffic(cfg, Flow::coordinated, selection_stats(rows, cfg, 0)).key_reuse ==
        KeyReuse::recompute);
  cfg.token_buffer_bytes = 192 * 1024;  // now it fits
  CHECK(count_traffic(cfg, Flow::coordinated, selection_stats(rows, cfg, 0)).key_reuse ==
        KeyReuse::resident);
}

TEST_CASE("K/V of a full layer are spilled and reloaded when regenerating costs more", "[tiling]") {
  TilingConfig cfg;
  cfg.seq_len = 512;
  cfg.n_queries = 512;
  cfg.head_dim = 64;
  cfg.tile_keys = 128;
  cfg.d_model = 1024;  // X row 1024 B vs K/V row 256 B
  const auto rows = realistic_rows(cfg, 32, 5);
  const SelectionStats st = selection_stats(rows, cfg, 0);
  std::uint64_t fresh = 0, unions = 0;
  for (const auto& c : st.cells) fresh += c.fresh_rows, unions += c.union_rows;
  CHECK(fresh == std::accumulate(st.tile_union.begin(), st.tile_union.end(), 0ull));
  CHECK(unions > fresh);  // later blocks select rows earlier blocks already generated
  const TrafficReport big = count_traffic(cfg, Flow::coordinated, st);
  CHECK(big.kv_reuse == KvReuse::spill);
  // Each selected row is generated exactly once: X fetched for fresh rows only.
  const std::uint64_t reloads = unions - fresh;
  CHECK(big.stage(Stage::kvgen).dram_read >= fresh * 1024 + reloads * 256);
  CHECK(big.stage(Stage::kvgen).dram_read < unions * 1024);
  cfg.d_model = 128;  // X row 128 B: regenerating is cheaper
  CHECK(count_traffic(cfg, Flow::coordinated, st).kv_reuse == KvReuse::regenerate);
  CHECK(count_traffic(cfg, Flow::stage_isolated, st).kv_reuse == KvReuse::regenerate);
}

TEST_CASE("weights that do not fit the weight buffer are streamed per use", "[tiling]") {
  TilingConfig cfg = tiny_config(JobKind::full_layer);
  const SelectionStats st = selection_stats(tiny_rows(), cfg, 0);
  const TrafficReport all = count_traffic(cfg, Flow::coordinated, st);
  cfg.weight_buffer_bytes = 8 + 4;  // W_k or W_v (2 uses each) plus LZ(W_k) (2 uses)
  const TrafficReport some = count_traffic(cfg, Flow::coordinated, st);
  CHECK(some.weight_resident[static_cast<int>(Weight::lz_w_k)]);
  CHECK(some.weight_resident[static_cast<int>(Weight::w_k)] !=
        some.weight_resident[static_cast<int>(Weight::w_v)]);
  // One of W_k / W_v is fetched twice instead of once: 8 more bytes. W_q has one use either way.
  CHECK(some.total().dram_read == all.total().dram_read + 8);
  cfg.weight_buffer_bytes = 0;
  const TrafficReport none = count_traffic(cfg, Flow::coordinated, st);
  CHECK(none.weight_resident == std::array<bool, 4>{});
  CHECK(none.total().dram_read == all.total().dram_read + 4 + 8 + 8);
}

TEST_CASE("causal masking skips tiles in the future of a whole query block", "[tiling]") {
  TilingConfig cfg = tiny_config(JobKind::attention_only);
  cfg.n_queries = 8;
  cfg.block_queries = 4;
  cfg.causal = true;
  // Block 0 holds positions 0..3: tile 1 (keys 4..7) is entirely in its future. Block 1 sees both.
  CHECK(cfg.visits(0, 0));
  CHECK_FALSE(cfg.visits(0, 1));
  CHECK(cfg.visits(1, 1));
  const std::vector<TileStep> want = {{0, 0}, {1, 0}, {1, 1}};
  CHECK(make_schedule(cfg, Flow::coordinated) == want);
  const auto rows = realistic_rows(cfg, 2, 11);
  const SelectionStats st = selection_stats(rows, cfg, 0);
  CHECK(st.cell(0, 1).selected == 0);
  const TrafficReport iso = count_traffic(cfg, Flow::stage_isolated, st);
  CHECK(iso.stage(Stage::predict).dram_write == 3 * 4 * 4 * 2);  // A_hat of three 4x4 cells
  TilingConfig dense = cfg;
  dense.causal = false;
  CHECK(count_traffic(dense, Flow::stage_isolated, selection_stats(rows, dense, 0))
            .stage(Stage::predict)
            .dram_write == 4 * 4 * 4 * 2);
  // A selection reaching into a skipped tile is rejected.
  auto bad = rows;
  bad[1] = make_selection({{0}, {5}});
  CHECK_THROWS_WITH(selection_stats(bad, cfg, 0), Catch::Contains("causal"));
  // Queries that are the sequence's last tokens see every tile.
  cfg.n_queries = 2;
  CHECK(make_schedule(cfg, Flow::coordinated).size() == 2);
}

TEST_CASE("the schedule visits every (block, tile) exactly once, block-major", "[tiling]") {
  for (bool causal : {false, true})
    for (Flow flow : {Flow::coordinated, Flow::stage_isolated}) {
      TilingConfig cfg;
      cfg.seq_len = 1000;
      cfg.n_queries = 1000;
      cfg.head_dim = 64;
      cfg.d_model = 256;
      cfg.tile_keys = 96;  // 11 tiles, the last one short
      cfg.causal = causal;
      const auto steps = make_schedule(cfg, flow);
      std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
      for (std::size_t i = 0; i < steps.size(); ++i) {
        CHECK(seen.insert({steps[i].query_block, steps[i].tile}).second);
        if (i > 0) {
          const TileStep& p = steps[i - 1];
          CHECK((p.query_block < steps[i].query_block ||
                 (p.query_block == steps[i].query_block && p.tile < steps[i].tile)));
        }
      }
      std::size_t expected = 0;
      for (std::uint32_t b = 0; b < cfg.n_blocks(); ++b)
        for (std::uint32_t t = 0; t < cfg.n_tiles(); ++t) expected += cfg.visits(b, t);
      CHECK(steps.size() == expected);
      // Causal: block b sees tiles 0..floor(min(128b + 127, 999) / 96): 2+3+4+6+7+8+10+11.
      CHECK(expected == (causal ? 51u : 8u * 11u));
    }
}

TEST_CASE("validate rejects bad tiling configurations, naming the field", "[tiling]") {
  const TilingConfig good = tiny_config(JobKind::full_layer);
  CHECK_NOTHROW(validate(good));
  auto rejects = [&](auto mutate, const char* field) {
    TilingConfig c = good;
    mutate(c);
    CHECK_THROWS_WITH(validate(c), Catch::Contains(field));
  };
  rejects([](TilingConfig& c) { c.seq_len = 0; }, "seq_len");
  rejects([](TilingConfig& c) { c.n_queries = 0; }, "n_queries");
  rejects([](TilingConfig& c) { c.head_dim = 0; }, "head_dim");
  rejects([](TilingConfig& c) { c.d_model = 0; }, "d_model");
  rejects([](TilingConfig& c) { c.block_queries = 0; }, "block_queries");
  rejects([](TilingConfig& c) { c.tile_keys = 0; }, "tile_keys");
  rejects([](TilingConfig& c) { c.tile_keys = 9; }, "tile_keys must be in [1, seq_len=8], got 9");
  rejects([](TilingConfig& c) { c.n_queries = 9; }, "n_queries");
  rejects([](TilingConfig& c) { c.token_buffer_bytes = 100; }, "token_buffer_bytes");
  TilingConfig attention = tiny_config(JobKind::attention_only);
  attention.d_model = 0;
  attention.n_queries = 20;  // cross-attention: more queries than keys, allowed without masking
  CHECK_NOTHROW(validate(attention));
  CHECK_THROWS_WITH(parse_flow("fused"), Catch::Contains("coordinated, stage_isolated"));
  CHECK(parse_flow(to_string(Flow::stage_isolated)) == Flow::stage_isolated);
  CHECK(parse_job_kind(to_string(JobKind::attention_only)) == JobKind::attention_only);
  CHECK_THROWS_AS(parse_job_kind("decode"), std::invalid_argument);
  CHECK(to_string(Stage::kvgen) == "kvgen");
}

TEST_CASE("selection_stats and count_traffic reject mismatched input", "[tiling]") {
  const TilingConfig cfg = tiny_config(JobKind::full_layer);
  auto rows = tiny_rows();
  rows.pop_back();
  CHECK_THROWS_WITH(selection_stats(rows, cfg, 0), Catch::Contains("n_queries=2"));
  rows = tiny_rows();
  rows[0] = make_selection({{0, 5}, {}});
  CHECK_THROWS_WITH(selection_stats(rows, cfg, 0), Catch::Contains("key 5 is not in tile 0"));
  rows[0] = make_selection({{0}});
  CHECK_THROWS_WITH(selection_stats(rows, cfg, 0), Catch::Contains("2 tiles"));
  SelectionStats st = selection_stats(tiny_rows(), cfg, 0);
  TilingConfig other = cfg;
  other.tile_keys = 2;
  CHECK_THROWS_WITH(count_traffic(other, Flow::coordinated, st),
                    Catch::Contains("selection stats"));
  SelectionStats bad = st;
  bad.cells[1].union_rows = 5;  // more rows than the tile's 4 keys
  CHECK_THROWS_WITH(count_traffic(cfg, Flow::coordinated, bad), Catch::Contains("block 0, tile 1"));
  bad = st;
  bad.cells[0].vanilla_loads = 1;  // fewer loads than distinct rows
  CHECK_THROWS_AS(count_traffic(cfg, Flow::stage_isolated, bad), std::invalid_argument);
  bad = st;
  bad.tile_union[0] = 9;
  CHECK_THROWS_WITH(count_traffic(cfg, Flow::coordinated, bad), Catch::Contains("tile_union"));
  CHECK_FALSE(cfg.visits(1, 0));  // out-of-range block or tile: never visited
  CHECK_FALSE(cfg.visits(0, 2));
}

TEST_CASE("K/V spill stores a row's K/V only when something may reload it", "[tiling]") {
  TilingConfig cfg;
  cfg.seq_len = 512;
  cfg.n_queries = 512;
  cfg.head_dim = 32;
  cfg.d_model = 1024;  // X row 1024 B vs K/V row 128 B: spill
  cfg.tile_keys = 128;
  cfg.causal = true;  // the last block is the first to visit the diagonal tile
  const auto rows = realistic_rows(cfg, 16, 9);
  for (bool rass : {true, false}) {
    cfg.rass = rass;
    INFO("rass " << rass);
    const SelectionStats st = selection_stats(rows, cfg, 4);
    const TrafficReport r = count_traffic(cfg, Flow::coordinated, st);
    REQUIRE(r.kv_reuse == KvReuse::spill);
    // Stored: fresh rows of cells a later block revisits; RASS off, also of cells whose own
    // vanilla gather may reload them. With RASS a row is loaded once per cell, so the last
    // block's fresh rows are never stored.
    std::uint64_t stored = 0, last_fresh = 0;
    for (const TileStep& s : make_schedule(cfg, Flow::coordinated)) {
      const TileSelectionStats& c = st.cell(s.query_block, s.tile);
      const bool later = s.query_block + 1 < cfg.n_blocks();
      if (later || (!rass && c.vanilla_loads > c.fresh_rows)) stored += c.fresh_rows;
      if (!later) last_fresh += c.fresh_rows;
    }
    CHECK(last_fresh > 0);
    CHECK(r.stage(Stage::kvgen).dram_write == stored * 4 * cfg.head_dim);
  }
}
