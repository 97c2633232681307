// engine/src/matrix_view.h — a non-owning, read-only view of a float feature matrix, dense
// (any row/column strides: row-major, column-major, Eigen blocks) or CSR.
//
//   MatrixView view = MatrixView::Of(data_set);           // DenseMatrix or CsrMatrix
//   view.ForEachPresent(row, [&](std::uint32_t col, float value) { ... });
//
// "Present" means stored and not NaN: for dense views NaN is missing, for CSR views an absent
// entry is missing (XGBoost's rule for sparse input) and a stored NaN is missing too.
// Views are cheap to copy; the viewed storage must outlive them.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "grove/dataset.h"

namespace grove {

struct MatrixView {
  enum class Kind { kDense, kCsr };
  Kind kind = Kind::kDense;
  std::size_t rows = 0;
  std::size_t cols = 0;
  // Dense: element (r, c) is dense[r * row_stride + c * col_stride].
  const float* dense = nullptr;
  std::size_t row_stride = 0;
  std::size_t col_stride = 1;
  // CSR.
  const std::uint64_t* row_ptr = nullptr;
  const std::uint32_t* col_index = nullptr;
  const float* values = nullptr;

  static MatrixView Of(const DenseMatrix& m) {
    MatrixView v;
    v.kind = Kind::kDense;
    v.rows = m.rows;
    v.cols = m.cols;
    v.dense = m.values.data();
    v.row_stride = m.cols;
    v.col_stride = 1;
    return v;
  }
  static MatrixView Of(const CsrMatrix& m) {
    MatrixView v;
    v.kind = Kind::kCsr;
    v.rows = m.rows;
    v.cols = m.cols;
    v.row_ptr = m.row_ptr.data();
    v.col_index = m.col_index.data();
    v.values = m.values.data();
    return v;
  }
  static MatrixView Of(const DataSet& data) {
    return data.IsDense() ? Of(data.Dense()) : Of(data.Sparse());
  }

  bool IsDense() const { return kind == Kind::kDense; }

  /// Calls fn(col, value) for each present value of `row`, in increasing column order.
  template <typename Fn>
  void ForEachPresent(std::size_t row, Fn&& fn) const {
    if (kind == Kind::kDense) {
      const float* base = dense + row * row_stride;
      for (std::size_t c = 0; c < cols; ++c) {
        const float value = base[c * col_stride];
        if (!std::isnan(value)) fn(static_cast<std::uint32_t>(c), value);
      }
    } else {
      for (std::uint64_t k = row_ptr[row]; k < row_ptr[row + 1]; ++k) {
        if (!std::isnan(values[k])) fn(col_index[k], values[k]);
      }
    }
  }

  /// The value at (row, col), NaN when missing. O(1) dense, O(log nnz(row)) CSR.
  float At(std::size_t row, std::size_t col) const;
};

}  // namespace grove
