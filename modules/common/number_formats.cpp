#include "common/number_formats.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace star {

int leading_zeros(std::int32_t v, int width) {
  const std::uint32_t mag = v < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(v))
                                  : static_cast<std::uint32_t>(v);
  return width - 1 - leading_one(mag);
}

LzCode lz_encode(std::int32_t v) {
  LzCode c;
  if (v == 0) return c;
  const std::uint32_t mag = v < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(v))
                                  : static_cast<std::uint32_t>(v);
  c.zero = false;
  c.negative = v < 0;
  c.pos = static_cast<std::uint8_t>(leading_one(mag));
  return c;
}

LzCode lz_unpack(std::uint8_t packed, int pos_bits) {
  LzCode c;
  c.zero = (packed >> (pos_bits + 1)) & 1u;
  c.negative = (packed >> pos_bits) & 1u;
  c.pos = static_cast<std::uint8_t>(packed & ((1u << pos_bits) - 1u));
  return c;
}

std::int64_t saturate(std::int64_t v, int bits) {
  const std::int64_t hi = (std::int64_t{1} << (bits - 1)) - 1;
  const std::int64_t lo = -hi - 1;
  return std::clamp(v, lo, hi);
}

int fit_shift(std::int64_t max_abs, int bits) {
  const std::int64_t hi = (std::int64_t{1} << (bits - 1)) - 1;
  int s = 0;
  while ((max_abs >> s) > hi) ++s;
  return s;
}

int cauchy_schwarz_shift(std::int64_t max_row_norm2, std::int64_t max_col_norm2) {
  // ceil of the bound in double (exact enough: far below 2^53), plus one.
  const double bound = std::sqrt(double(max_row_norm2)) * std::sqrt(double(max_col_norm2));
  return fit_shift(static_cast<std::int64_t>(std::ceil(bound)) + 1, 16);
}

namespace {
template <class Q>
Q quantize(const MatF& x, int qmax, double* scale) {
  float max_abs = 0.f;
  for (float v : x.storage()) {
    if (!std::isfinite(v)) throw std::invalid_argument("quantize: input holds a non-finite value");
    max_abs = std::max(max_abs, std::fabs(v));
  }
  *scale = max_abs > 0.f ? static_cast<double>(max_abs) / qmax : 1.0;
  Q out(x.rows(), x.cols());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = std::round(static_cast<double>(x.data()[i]) / *scale);  // halves away from 0
    out.data()[i] = static_cast<typename std::remove_reference<decltype(out.data()[0])>::type>(
        std::clamp<double>(r, -qmax, qmax));
  }
  return out;
}
template <class M>
MatF dequant(const M& q, double scale) {
  MatF out(q.rows(), q.cols());
  for (std::size_t i = 0; i < q.size(); ++i)
    out.data()[i] = static_cast<float>(q.data()[i] * scale);
  return out;
}
}  // namespace

QuantizedI8 quantize_i8(const MatF& x) {
  QuantizedI8 q;
  q.values = quantize<MatI8>(x, 127, &q.scale);
  return q;
}
QuantizedI16 quantize_i16(const MatF& x) {
  QuantizedI16 q;
  q.values = quantize<MatI16>(x, 32767, &q.scale);
  return q;
}
MatF dequantize(const MatI8& q, double scale) { return dequant(q, scale); }
MatF dequantize(const MatI16& q, double scale) { return dequant(q, scale); }

MatI32 matmul_i8(const MatI8& a, const MatI8& b) {
  require_shape(a.cols() == b.rows(), "matmul_i8 inner dimensions");
  MatI32 c(a.rows(), b.cols());
  for (std::size_t i = 0; i < a.rows(); ++i) {
    std::int32_t* crow = c.row(i);
    for (std::size_t k = 0; k < a.cols(); ++k) {
      const std::int32_t av = a(i, k);
      if (av == 0) continue;
      const std::int8_t* brow = b.row(k);
      for (std::size_t j = 0; j < b.cols(); ++j) crow[j] += av * brow[j];
    }
  }
  return c;
}

Requantized requantize_to_i16(const MatI32& acc, int shift) {
  Requantized r;
  r.shift = shift;
  r.values = MatI16(acc.rows(), acc.cols());
  for (std::size_t i = 0; i < acc.size(); ++i) r.values.data()[i] = requant16(acc.data()[i], shift);
  return r;
}

Requantized requantize_to_i16(const MatI32& acc) {
  std::int64_t max_abs = 0;
  for (std::int32_t v : acc.storage()) max_abs = std::max<std::int64_t>(max_abs, std::llabs(v));
  return requantize_to_i16(acc, fit_shift(max_abs, 16));
}

}  // namespace star
