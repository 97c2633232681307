// engine/src/forest.h — the random-forest trainer behind grove::Train for
// algorithm=random_forest (scikit-learn's RandomForestClassifier / RandomForestRegressor).
//
//   Model model = TrainForest(params, train, evals, options);   // Train dispatches here
//
// The training data is quantized once (the booster's cuts and binned matrix). Each tree t draws
// its bootstrap sample from (random_state, t), weighs every in-bag row by sample weight x class
// weight x multiplicity, and is grown by the booster's TreeGrower with a ForestSplitter
// (engine/src/forest_splitter.h) choosing splits. Trees are independent, so they are grown in
// parallel (one thread each when there are at least as many trees as threads); each tree's
// bits depend only on the data, the parameters and t, never on the thread count.
// Leaves hold class probabilities (binary: P(class 1) in Tree::value; multi-class: the vector in
// Tree::leaf_vector) or the weighted mean label; see docs/forest.md.
#pragma once

#include <cstdint>
#include <span>

#include "engine/src/matrix_view.h"
#include "grove/train.h"

namespace grove {

Model TrainForest(const TrainParams& params, const DataSet& train, std::span<const EvalSet> evals,
                  const TrainOptions& options);

namespace detail {
/// scikit-learn's out-of-bag score of a forest already in `model`: accuracy (classification)
/// or R^2 (regression) of each row's prediction by the trees that did not draw it. `in_bag`
/// holds one bit per (tree, row): tree t, row r at bit t * rows + r.
double OutOfBagScore(const Model& model, const MatrixView& x, std::span<const float> labels,
                     std::span<const std::uint64_t> in_bag, int nthread);
}  // namespace detail

}  // namespace grove
