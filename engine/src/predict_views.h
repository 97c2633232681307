// engine/src/predict_views.h — engine types seen through the prediction kernel's flat views
// (kernels/predict.h), shared by Model::Predict and the booster's eval-set caches.
#pragma once

#include <cstdint>

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

}  // namespace grove
