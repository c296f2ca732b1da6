#include <catch2/catch.hpp>
#include <random>

#include "common/number_formats.h"
#include "kvgen/kvgen_model.h"

using namespace star;

TEST_CASE("on-demand generation equals the exact projection, rows listed only", "[kvgen]") {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> dist(-128, 127);
  MatI8 x(50, 64), w(64, 16);
  for (auto& v : x.storage()) v = static_cast<std::int8_t>(dist(rng));
  for (auto& v : w.storage()) v = static_cast<std::int8_t>(dist(rng));
  const int shift = projection_shift_bound(x, w);
  const MatI32 acc = matmul_i8(x, w);
  // The bound never lets a value saturate.
  for (std::int32_t a : acc.storage()) REQUIRE(std::abs(a >> shift) <= 32767);
  MatI16 out(50, 16, 7);
  const OpCounts ops = generate_rows(x, w, shift, {3, 17, 49}, out);
  REQUIRE(ops.macs == 3u * 64 * 16);
  for (std::size_t j = 0; j < 16; ++j) {
    REQUIRE(out(3, j) == requant16(acc(3, j), shift));
    REQUIRE(out(49, j) == requant16(acc(49, j), shift));
    REQUIRE(out(4, j) == 7);  // untouched
  }
  OpCounts all_ops;
  const MatI16 all = generate_all_rows(x, w, shift, all_ops);
  REQUIRE(all == requantize_to_i16(acc, shift).values);
  REQUIRE_THROWS_WITH(generate_rows(x, w, shift, {50}, out), Catch::Contains("token 50"));
}
