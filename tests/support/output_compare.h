// Comparing a run's output with the reference model's (tests/support).
//   same_bits(a, b)       same shape and the same float bits (the arithmetic order was the same)
//   relative_error(a, b)  max |a - b| / max |b| over the elements (a shape mismatch gives 1e30),
//                         the measure of the tolerances the docs state (e.g. docs/mesh.md kv_split)
#pragma once

#include "common/matrix.h"

namespace star::test {

bool same_bits(const MatF& a, const MatF& b);
double relative_error(const MatF& a, const MatF& b);

}  // namespace star::test
