// engine/src/forest_average.h — how a random forest averages its trees, in one place for
// prediction, the out-of-bag score and the XGBoost export.
//
//   float share = ForestLeafShare(leaf, n);   // one tree's part of the mean of n trees
//   // mean = ((0 + share_0) + share_1) + ... + share_{n-1}, in float32, in tree order
//
// Why not (sum of leaves) / n: XGBoost's predictors can only add leaves, so an exported forest
// must carry leaf / n in every leaf. grove predicts by adding exactly those floats in the same
// order from the same zero, so grove and XGBoost give the same bits for any number of trees
// (dividing the sum instead agrees only when n is a power of two).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "grove/tree.h"
#include "kernels/predict.h"

namespace grove::detail {

/// One tree's share of the mean of `n_trees` trees: leaf / n_trees, correctly rounded to float.
/// n_trees > 0 (exact as a float for n_trees < 2^24).
inline float ForestLeafShare(float leaf, std::size_t n_trees) {
  return leaf / static_cast<float>(n_trees);
}

/// The first `n_trees` trees of a forest as prediction-kernel views whose leaves (scalar values
/// and leaf vectors) are already ForestLeafShare(leaf, n_trees): PredictMargins from a zero
/// base margin then yields the forest's mean. The views point into `values` and `vectors`.
struct ForestShares {
  std::vector<std::vector<float>> values;
  std::vector<std::vector<float>> vectors;
  std::vector<cpu_impl::PredictTree> views;
};

ForestShares ForestShareViews(std::span<const Tree> trees, std::size_t n_trees);

}  // namespace grove::detail
