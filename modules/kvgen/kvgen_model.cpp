#include "kvgen/kvgen_model.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/number_formats.h"

namespace star {

int projection_shift_bound(const MatI8& x, const MatI8& w) {
  require_shape(x.cols() == w.rows(), "X columns (d_model) must equal W rows");
  std::int64_t max_x2 = 0, max_w2 = 0;
  for (std::size_t i = 0; i < x.rows(); ++i) {
    std::int64_t s = 0;
    for (std::size_t m = 0; m < x.cols(); ++m) s += std::int64_t{x(i, m)} * x(i, m);
    max_x2 = std::max(max_x2, s);
  }
  std::vector<std::int64_t> col2(w.cols(), 0);
  for (std::size_t m = 0; m < w.rows(); ++m)
    for (std::size_t j = 0; j < w.cols(); ++j) col2[j] += std::int64_t{w(m, j)} * w(m, j);
  for (std::int64_t s : col2) max_w2 = std::max(max_w2, s);
  return cauchy_schwarz_shift(max_x2, max_w2);
}

OpCounts generate_rows(const MatI8& x, const MatI8& w, int shift,
                       const std::vector<std::uint32_t>& tokens, MatI16& out) {
  require_shape(x.cols() == w.rows(), "X columns (d_model) must equal W rows");
  require_shape(out.rows() == x.rows() && out.cols() == w.cols(), "generated matrix shape");
  const std::size_t dm = w.rows(), d = w.cols();
  std::vector<std::int32_t> acc(d);
  for (std::uint32_t t : tokens) {
    if (t >= x.rows())
      throw std::invalid_argument("generate_rows: token " + std::to_string(t) + " beyond " +
                                  std::to_string(x.rows()) + " rows");
    std::fill(acc.begin(), acc.end(), 0);
    const std::int8_t* xrow = x.row(t);
    for (std::size_t m = 0; m < dm; ++m) {
      const std::int32_t xv = xrow[m];
      if (xv == 0) continue;
      const std::int8_t* wrow = w.row(m);
      for (std::size_t j = 0; j < d; ++j) acc[j] += xv * wrow[j];
    }
    std::int16_t* orow = out.row(t);
    for (std::size_t j = 0; j < d; ++j) orow[j] = requant16(acc[j], shift);
  }
  OpCounts ops;
  ops.macs = std::uint64_t(tokens.size()) * dm * d;
  return ops;
}

MatI16 generate_all_rows(const MatI8& x, const MatI8& w, int shift, OpCounts& ops) {
  MatI16 out(x.rows(), w.cols());
  std::vector<std::uint32_t> all(x.rows());
  for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  ops += generate_rows(x, w, shift, all, out);
  return out;
}

}  // namespace star
