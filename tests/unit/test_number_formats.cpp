#include <catch2/catch.hpp>
#include <cstdlib>

#include "common/number_formats.h"

using namespace star;

namespace {
// Brute force: the largest power of two not above |v|.
int brute_leading_one(std::int64_t v) {
  const std::int64_t mag = std::llabs(v);
  if (mag == 0) return -1;
  int p = 0;
  while ((std::int64_t{1} << (p + 1)) <= mag) ++p;
  return p;
}
}  // namespace

TEST_CASE("leading-one position matches brute force for every int8 value", "[formats]") {
  for (int v = -128; v <= 127; ++v) {
    const LzCode c = lz4_encode(static_cast<std::int8_t>(v));
    const int expected = brute_leading_one(v);
    if (expected < 0) {
      REQUIRE(c.zero);
      continue;
    }
    INFO("v = " << v);
    REQUIRE_FALSE(c.zero);
    REQUIRE(c.pos == expected);
    REQUIRE(c.pos <= 7);  // fits the 3-bit position of the 4-bit LZ form
    REQUIRE(c.negative == (v < 0));
    REQUIRE(leading_zeros(v, 8) == 7 - expected);
    REQUIRE(lz_unpack(c.packed(3), 3).value() == c.value());
  }
}

TEST_CASE("leading-one position matches brute force for every int16 value", "[formats]") {
  for (int v = -32768; v <= 32767; ++v) {
    const LzCode c = lz5_encode(static_cast<std::int16_t>(v));
    const int expected = brute_leading_one(v);
    if (expected < 0) {
      REQUIRE(c.zero);
      continue;
    }
    if (c.pos != expected || c.negative != (v < 0) || leading_zeros(v, 16) != 15 - expected ||
        lz_unpack(c.packed(4), 4).value() != c.value())
      FAIL("LZ5 code wrong for " << v);
    // Rounds down: 2^p <= |v| < 2^(p+1).
    REQUIRE(std::llabs(c.value()) <= std::llabs(v));
    REQUIRE(2 * std::llabs(c.value()) > std::llabs(v));
  }
}

TEST_CASE("lz_shift is the signed shift of the exact operand", "[formats]") {
  REQUIRE(lz_shift(24, lz_encode(6)) == 96);
  REQUIRE(lz_shift(-24, lz_encode(6)) == -96);
  REQUIRE(lz_shift(24, lz_encode(-6)) == -96);
  REQUIRE(lz_shift(-24, lz_encode(-7)) == 96);
  REQUIRE(lz_shift(24, lz_encode(0)) == 0);
}

TEST_CASE("saturation, truncating requantisation and fit_shift", "[formats]") {
  REQUIRE(sat16(40000) == 32767);
  REQUIRE(sat16(-40000) == -32768);
  REQUIRE(requant16(-3, 1) == -2);  // arithmetic shift truncates toward -inf
  REQUIRE(requant16(3, 1) == 1);
  REQUIRE(fit_shift(32767, 16) == 0);
  REQUIRE(fit_shift(32768, 16) == 1);
  REQUIRE(fit_shift((std::int64_t{1} << 30) - 1, 16) == 15);
  REQUIRE(fit_shift(std::int64_t{1} << 30, 16) == 16);
}

TEST_CASE("symmetric quantisation round-trips within half a step", "[formats]") {
  MatF x(2, 3);
  const float vals[] = {0.5f, -1.0f, 0.25f, 0.0f, 0.999f, -0.3f};
  for (int i = 0; i < 6; ++i) x.data()[i] = vals[i];
  const QuantizedI8 q = quantize_i8(x);
  REQUIRE(q.scale == Approx(1.0 / 127));
  REQUIRE(q.values(0, 1) == -127);
  const MatF back = dequantize(q.values, q.scale);
  for (int i = 0; i < 6; ++i) REQUIRE(std::abs(back.data()[i] - vals[i]) <= q.scale / 2 + 1e-7);
  MatF bad(1, 1, std::numeric_limits<float>::quiet_NaN());
  REQUIRE_THROWS_AS(quantize_i16(bad), std::invalid_argument);
}

TEST_CASE("integer matmul and requantisation to int16", "[formats]") {
  MatI8 a(1, 3, 127), b(3, 1, -127);
  const MatI32 c = matmul_i8(a, b);
  REQUIRE(c(0, 0) == -3 * 127 * 127);  // 48387 needs 17 bits signed
  const Requantized r = requantize_to_i16(c);
  REQUIRE(r.shift == 1);
  REQUIRE(r.values(0, 0) == (-3 * 127 * 127) >> 1);
}
