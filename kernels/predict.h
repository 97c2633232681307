// kernels/predict.h — batch prediction of a tree ensemble on the CPU: margins and leaf indices.
//
//   std::vector<cpu_impl::PredictTree> trees = ...;    // one per tree: node arrays + output group
//   cpu_impl::PredictInput x = cpu_impl::PredictInput::Dense(data, rows, cols);
//   std::vector<float> margins(rows * num_outputs);
//   cpu_impl::PredictMargins(trees, x, base_margin, nthread, margins);
//
// Plain pointers and spans only: the kernels sit below the engine and know neither Model nor
// MatrixView. Traversal follows grove/tree.h: x < threshold goes left, NaN (and, for CSR input,
// an absent entry) follows default_left.
//
// Precision and order (so that a model predicts bit-for-bit like XGBoost's CPU predictor): each
// row's margin for output k starts as the float base_margin[k] and has the float leaf values of
// the trees of group k added one at a time, in the order of `trees`. Rows are independent, so
// the result does not depend on nthread. Trees must be valid (children in range, no cycles,
// split features < cols, leaf_vector sized nodes * leaf_size): the engine validates models.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace grove::cpu_impl {

/// One tree's node arrays (each NumNodes() long, as in grove::Tree) and its output group.
struct PredictTree {
  std::span<const std::int32_t> left;  ///< -1 for a leaf
  std::span<const std::int32_t> right;
  std::span<const std::uint32_t> split_feature;
  std::span<const float> threshold;
  std::span<const std::uint8_t> default_left;
  std::span<const float> value;        ///< leaf output (scalar leaves)
  std::uint32_t leaf_size = 0;         ///< > 0: leaves add leaf_vector slices to every output
  std::span<const float> leaf_vector;  ///< nodes * leaf_size when leaf_size > 0
  std::int32_t group = 0;              ///< output that scalar leaves add to
};

/// A read-only float matrix: dense with any strides (NaN = missing) or CSR (absent = missing).
struct PredictInput {
  std::size_t rows = 0;
  std::size_t cols = 0;
  bool is_csr = false;
  // Dense: element (r, c) is dense[r * row_stride + c * col_stride].
  const float* dense = nullptr;
  std::size_t row_stride = 0;
  std::size_t col_stride = 1;
  // CSR: row r's entries are [row_ptr[r], row_ptr[r + 1]), columns < cols.
  const std::uint64_t* row_ptr = nullptr;
  const std::uint32_t* col_index = nullptr;
  const float* values = nullptr;

  static PredictInput Dense(const float* data, std::size_t rows, std::size_t cols) {
    PredictInput x;
    x.rows = rows;
    x.cols = cols;
    x.dense = data;
    x.row_stride = cols;
    return x;
  }
  static PredictInput Csr(const std::uint64_t* row_ptr, const std::uint32_t* col_index,
                          const float* values, std::size_t rows, std::size_t cols) {
    PredictInput x;
    x.is_csr = true;
    x.rows = rows;
    x.cols = cols;
    x.row_ptr = row_ptr;
    x.col_index = col_index;
    x.values = values;
    return x;
  }
};

/// out (rows x base_margin.size(), row-major) = base_margin + the trees' outputs, accumulated
/// in float in tree order. Scalar leaves add to column `group`; leaf vectors (leaf_size must
/// equal base_margin.size()) add to every column. nthread <= 0: all threads.
void PredictMargins(std::span<const PredictTree> trees, const PredictInput& x,
                    std::span<const float> base_margin, int nthread, std::span<float> out);

/// out (rows x trees.size(), row-major) = the index of the leaf each row reaches in each tree.
void PredictLeaves(std::span<const PredictTree> trees, const PredictInput& x, int nthread,
                   std::span<float> out);

}  // namespace grove::cpu_impl
