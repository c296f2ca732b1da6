#include "support/output_compare.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace star::test {

bool same_bits(const MatF& a, const MatF& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

double relative_error(const MatF& a, const MatF& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return 1e30;
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(double(a.data()[i]) - double(b.data()[i])));
    scale = std::max(scale, std::fabs(double(b.data()[i])));
  }
  return diff / scale;
}

}  // namespace star::test
