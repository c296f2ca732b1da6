// Attention inputs several tests share (tests/support), all from reference/generators.h, seeded.
//   concat_heads(heads)  per-head S x d matrices side by side: S x (heads * d)
//   gqa_2on1_qkv()       2 query heads on 1 K/V head, 384 queries and keys, d = 32 (RowType::mixed,
//                        seed 5): 3 query blocks of 128 per head
//   gqa_4on2_qkv()       4 query heads on 2 K/V heads, 256 queries and keys, d = 32
//                        (RowType::spread, seed 11): the two K/V groups differ (reversed keys,
//                        negated values), the query heads are scaled copies
#pragma once

#include <vector>

#include "star_core/star_attention_model.h"

namespace star::test {

MatF concat_heads(const std::vector<MatF>& heads);
QuantizedQkv gqa_2on1_qkv();
QuantizedQkv gqa_4on2_qkv();

}  // namespace star::test
