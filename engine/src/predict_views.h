// engine/src/predict_views.h — engine types seen through the prediction kernel's flat views
// (kernels/predict.h), shared by Model::Predict and the booster's eval-set caches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/src/matrix_view.h"
#include "grove/tree.h"
#include "kernels/predict.h"

namespace grove {

inline cpu_impl::PredictTree PredictViewOf(const Tree& tree, std::int32_t group) {
  cpu_impl::PredictTree view;
  view.left = tree.left;
  view.right = tree.right;
  view.split_feature = tree.split_feature;
  view.threshold = tree.threshold;
  view.default_left = tree.default_left;
  view.value = tree.value;
  view.leaf_size = tree.leaf_size;
  view.leaf_vector = tree.leaf_vector;
  view.group = group;
  return view;
}

inline cpu_impl::PredictInput PredictInputOf(const MatrixView& x) {
  if (!x.IsDense()) {
    return cpu_impl::PredictInput::Csr(x.row_ptr, x.col_index, x.values, x.rows, x.cols);
  }
  cpu_impl::PredictInput input = cpu_impl::PredictInput::Dense(x.dense, x.rows, x.cols);
  input.row_stride = x.row_stride;
  input.col_stride = x.col_stride;
  return input;
}

/// Adds one tree's output for `output` to every row's margin through the prediction kernel
/// (the booster's eval-set caches). The kernel starts each row at 0.0f, and 0.0f + leaf == leaf
/// exactly, so the cache holds the same bits as Model::Predict's base + trees summed in tree
/// order.
inline void AddTreeMargins(const Tree& tree, const MatrixView& x, int output, int outputs,
                           int nthread, std::vector<float>& margins) {
  const cpu_impl::PredictTree view = PredictViewOf(tree, output);
  const std::vector<float> zero(static_cast<std::size_t>(outputs), 0.0f);
  std::vector<float> contribution(margins.size());
  cpu_impl::PredictMargins(std::span(&view, 1), PredictInputOf(x), zero, nthread, contribution);
  for (std::size_t r = 0; r < x.rows; ++r) {
    const std::size_t i = r * static_cast<std::size_t>(outputs) + static_cast<std::size_t>(output);
    margins[i] += contribution[i];
  }
}

}  // namespace grove
