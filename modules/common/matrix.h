// A dense row-major matrix: the one container every algorithm model passes around.
// Plain C++ (no SystemC), so a SystemC block can hand a model one tile at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace star {

template <class T>
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, T fill = T{})
      : rows_(rows), cols_(cols), data_(rows * cols, fill) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

  T& operator()(std::size_t r, std::size_t c) { return data_[r * cols_ + c]; }
  const T& operator()(std::size_t r, std::size_t c) const { return data_[r * cols_ + c]; }
  T* row(std::size_t r) { return data_.data() + r * cols_; }
  const T* row(std::size_t r) const { return data_.data() + r * cols_; }
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  std::vector<T>& storage() { return data_; }
  const std::vector<T>& storage() const { return data_; }

  bool operator==(const Matrix& o) const {
    return rows_ == o.rows_ && cols_ == o.cols_ && data_ == o.data_;
  }
  bool operator!=(const Matrix& o) const { return !(*this == o); }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<T> data_;
};

using MatI8 = Matrix<std::int8_t>;
using MatI16 = Matrix<std::int16_t>;
using MatI32 = Matrix<std::int32_t>;
using MatI64 = Matrix<std::int64_t>;
using MatF = Matrix<float>;
using MatD = Matrix<double>;

// Transpose, for models that stream the other dimension.
template <class T>
Matrix<T> transpose(const Matrix<T>& m) {
  Matrix<T> t(m.cols(), m.rows());
  for (std::size_t r = 0; r < m.rows(); ++r)
    for (std::size_t c = 0; c < m.cols(); ++c) t(c, r) = m(r, c);
  return t;
}

// Throws std::invalid_argument naming `what` when a shape does not match.
inline void require_shape(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("shape mismatch: " + what);
}

}  // namespace star
