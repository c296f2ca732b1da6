// Number formats of the STAR datapath, bit-true (STAR-SPEC 2.1):
//
//   X        int8 token activations, symmetric per-tensor scale:  x_real = X * s_x
//   W_q,k,v  int8 weights, symmetric per-tensor scale:             w_real = W * s_w
//   Q, K, V  16-bit formal-stage values. Produced from an int32 accumulator (X * W) by an
//            arithmetic right shift (truncation toward -inf) and saturation to int16:
//            Q16 = sat16(acc >> shift), so q_real = Q16 * s_x * s_w * 2^shift.
//   LZ4(W_k) 4-bit leading-zero form of an int8 weight: sign bit + 3-bit position p of the
//            leading one of |w| (|w| in 1..128 -> p in 0..7); w ~ sign * 2^p.
//   LZ5(Q)   5-bit leading-zero form of an int16 value: sign bit + 4-bit position (0..15).
//   zero     the zero eliminator tags zero operands; a zero has no LZ code and contributes nothing.
//
// The leading-one position rounds *down* to a power of two: p(y) = W - 1 - LZ(|y|).
#pragma once

#include <cstdint>
#include <string>

#include "common/matrix.h"

namespace star {

// Position of the leading one of `magnitude` (0-based), or -1 for zero.
inline int leading_one(std::uint32_t magnitude) {
  return magnitude == 0 ? -1 : 31 - __builtin_clz(magnitude);
}

// Width-W leading-zero count of |v|, as the LZ encoder computes it (W for v == 0).
int leading_zeros(std::int32_t v, int width);

// A decoded LZ code: value ~ (negative ? -1 : +1) * 2^pos, or exactly zero.
struct LzCode {
  bool zero = true;
  bool negative = false;
  std::uint8_t pos = 0;
  // Packed form as stored on chip. LZ4: [zero][sign][p2 p1 p0]; LZ5: [zero][sign][p3..p0].
  std::uint8_t packed(int pos_bits) const {
    return static_cast<std::uint8_t>((zero ? 1u : 0u) << (pos_bits + 1) |
                                     (negative ? 1u : 0u) << pos_bits | pos);
  }
  std::int64_t value() const { return zero ? 0 : (negative ? -1 : 1) * (std::int64_t{1} << pos); }
};

LzCode lz_encode(std::int32_t v);                 // generic: any magnitude below 2^31
inline LzCode lz4_encode(std::int8_t w) { return lz_encode(w); }   // 3-bit position
inline LzCode lz5_encode(std::int16_t q) { return lz_encode(q); }  // 4-bit position
LzCode lz_unpack(std::uint8_t packed, int pos_bits);

// x shifted by an LZ code: sign(c) * (x << c.pos), the DLZS processing element's operation.
inline std::int64_t lz_shift(std::int64_t x, const LzCode& c) {
  if (c.zero) return 0;
  const std::int64_t shifted = x * (std::int64_t{1} << c.pos);  // a left shift, without UB for x < 0
  return c.negative ? -shifted : shifted;
}

// Saturate to a signed width (16 for the formal-stage values).
std::int64_t saturate(std::int64_t v, int bits);
inline std::int16_t sat16(std::int64_t v) { return static_cast<std::int16_t>(saturate(v, 16)); }

// Arithmetic right shift (truncation toward -inf, as a hardware shifter does) then saturation.
inline std::int16_t requant16(std::int64_t acc, int shift) { return sat16(acc >> shift); }

// Smallest right shift that makes every |value| <= max_abs fit `bits` signed bits.
int fit_shift(std::int64_t max_abs, int bits);

// A 16-bit shift that no dot product x_i . w_j can saturate, from the Cauchy-Schwarz bound
// |x_i . w_j| <= sqrt(max_i ||x_i||^2) sqrt(max_j ||w_j||^2), given those squared norms.
int cauchy_schwarz_shift(std::int64_t max_row_norm2, std::int64_t max_col_norm2);

// Symmetric per-tensor quantisation of real values; scale = max|x| / qmax (1.0 for all-zero input).
// Rounding: to nearest, halves away from zero; clamped to [-qmax, qmax].
struct QuantizedI8 {
  MatI8 values;
  double scale = 1.0;
};
struct QuantizedI16 {
  MatI16 values;
  double scale = 1.0;
};
QuantizedI8 quantize_i8(const MatF& x);
QuantizedI16 quantize_i16(const MatF& x);
MatF dequantize(const MatI8& q, double scale);
MatF dequantize(const MatI16& q, double scale);

// Integer matrix product with a wide accumulator (int8 x int8 -> int32 sums; exact).
MatI32 matmul_i8(const MatI8& a, const MatI8& b);

// Requantise an int32 accumulator matrix to int16 with one shift for the whole tensor (the
// firmware's per-layer calibration): returns the values and the shift used.
struct Requantized {
  MatI16 values;
  int shift = 0;
};
Requantized requantize_to_i16(const MatI32& acc);
Requantized requantize_to_i16(const MatI32& acc, int shift);

}  // namespace star
