#include "support/test_inputs.h"

#include "reference/generators.h"

namespace star::test {

MatF concat_heads(const std::vector<MatF>& heads) {
  MatF out(heads[0].rows(), heads[0].cols() * heads.size());
  for (std::size_t h = 0; h < heads.size(); ++h)
    for (std::size_t r = 0; r < heads[h].rows(); ++r)
      for (std::size_t c = 0; c < heads[h].cols(); ++c) out(r, h * heads[h].cols() + c) = heads[h](r, c);
  return out;
}

QuantizedQkv gqa_2on1_qkv() {
  const QkvInputs in = generate_qkv(RowType::mixed, 2 * 384, 384, 32, 5);
  MatF q(384, 64);
  for (std::size_t i = 0; i < 384; ++i)
    for (std::size_t c = 0; c < 32; ++c) q(i, c) = in.q(i, c), q(i, 32 + c) = in.q(384 + i, c);
  return quantize_qkv(q, in.k, in.v, 2, 1, 32);
}

QuantizedQkv gqa_4on2_qkv() {
  const QkvInputs in = generate_qkv(RowType::spread, 256, 256, 32, 11);
  MatF q(256, 128), k(256, 64), v(256, 64);
  for (std::size_t i = 0; i < 256; ++i)
    for (std::size_t c = 0; c < 32; ++c) {
      for (std::size_t h = 0; h < 4; ++h) q(i, h * 32 + c) = in.q(i, c) * (1 + 0.25f * h);
      k(i, c) = in.k(i, c), k(i, 32 + c) = in.k(255 - i, c);
      v(i, c) = in.v(i, c), v(i, 32 + c) = -in.v(i, c);
    }
  return quantize_qkv(q, k, v, 4, 2, 32);
}

}  // namespace star::test
