// What a Model does differently when it holds a random forest: out-of-bag score, impurity
// importances and the averaging of tree outputs at prediction time (engine/src/forest_average.h).
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "engine/src/forest.h"
#include "engine/src/forest_average.h"
#include "engine/src/predict_views.h"
#include "grove/errors.h"
#include "grove/model.h"

namespace grove {
namespace {

constexpr std::size_t kRowBlock = 1024;

}  // namespace

namespace detail {

ForestShares ForestShareViews(std::span<const Tree> trees, std::size_t n_trees) {
  ForestShares out;
  out.values.resize(n_trees);
  out.vectors.resize(n_trees);
  out.views.reserve(n_trees);
  for (std::size_t t = 0; t < n_trees; ++t) {
    const Tree& tree = trees[t];
    std::vector<float>& values = out.values[t];
    std::vector<float>& vectors = out.vectors[t];
    values.resize(tree.value.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = ForestLeafShare(tree.value[i], n_trees);
    }
    vectors.resize(tree.leaf_vector.size());
    for (std::size_t i = 0; i < vectors.size(); ++i) {
      vectors[i] = ForestLeafShare(tree.leaf_vector[i], n_trees);
    }
    cpu_impl::PredictTree view = PredictViewOf(tree, 0);
    view.value = values;
    view.leaf_vector = vectors;
    out.views.push_back(view);
  }
  return out;
}

// scikit-learn 1.2 (_forest.py, _compute_oob_predictions and _set_oob_score): each row's
// prediction is the mean over the trees that did not draw it of their probabilities (or
// values); a row drawn by every tree keeps a zero prediction (sklearn warns and does the
// same), so it counts as class 0 / value 0. The mean is formed as at prediction time: the
// shares ForestLeafShare(leaf, c) of the row's c out-of-bag trees added in tree order in
// float. Score: unweighted accuracy of the arg max, or R^2.
double OutOfBagScore(const Model& model, const MatrixView& x, std::span<const float> labels,
                     std::span<const std::uint64_t> in_bag, int nthread) {
  const std::size_t n = x.rows;
  const std::size_t trees = model.trees.size();
  const std::size_t words = (n + 63) / 64;
  const bool classification = model.params.IsClassification();
  const std::size_t width =
      !classification ? 1 : model.num_outputs > 1 ? static_cast<std::size_t>(model.num_outputs) : 2;
  std::vector<cpu_impl::PredictTree> views;
  for (const Tree& tree : model.trees) views.push_back(PredictViewOf(tree, 0));
  const cpu_impl::PredictInput input = PredictInputOf(x);
  std::vector<float> prediction(n * width, 0.0f);
  const std::size_t blocks = (n + kRowBlock - 1) / kRowBlock;
  const auto out_of_bag = [&](std::size_t t, std::size_t r) {
    return ((in_bag[t * words + r / 64] >> (r % 64)) & 1U) == 0;
  };
  tbb::task_arena arena(std::max(1, nthread));
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
      const std::size_t begin = b * kRowBlock;
      const std::size_t rows = std::min(n, begin + kRowBlock) - begin;
      cpu_impl::PredictInput part = input;
      part.rows = rows;
      if (part.is_csr) {
        part.row_ptr += begin;
      } else {
        part.dense += begin * part.row_stride;
      }
      std::vector<float> leaves(rows * trees);
      cpu_impl::PredictLeaves(views, part, 1, leaves);
      for (std::size_t i = 0; i < rows; ++i) {
        const std::size_t r = begin + i;
        std::size_t count = 0;
        for (std::size_t t = 0; t < trees; ++t) count += out_of_bag(t, r) ? 1 : 0;
        if (count == 0) continue;
        float* out = prediction.data() + r * width;
        for (std::size_t t = 0; t < trees; ++t) {
          if (!out_of_bag(t, r)) continue;
          const Tree& tree = model.trees[t];
          const auto leaf = static_cast<std::size_t>(leaves[i * trees + t]);
          if (tree.leaf_size > 0) {
            for (std::size_t k = 0; k < width; ++k) {
              out[k] += ForestLeafShare(tree.leaf_vector[leaf * width + k], count);
            }
          } else if (classification) {
            out[0] += ForestLeafShare(1.0f - tree.value[leaf], count);
            out[1] += ForestLeafShare(tree.value[leaf], count);
          } else {
            out[0] += ForestLeafShare(tree.value[leaf], count);
          }
        }
      }
    });
  });
  if (classification) {
    std::size_t correct = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const float* p = prediction.data() + r * width;
      const auto arg_max = static_cast<std::size_t>(std::max_element(p, p + width) - p);
      correct += arg_max == static_cast<std::size_t>(labels[r]) ? 1 : 0;
    }
    return static_cast<double>(correct) / static_cast<double>(n);
  }
  double mean = 0.0;
  for (const float y : labels) mean += y;
  mean /= static_cast<double>(n);
  double residual = 0.0;
  double total = 0.0;
  for (std::size_t r = 0; r < n; ++r) {
    const double error = static_cast<double>(labels[r]) - prediction[r];
    residual += error * error;
    total += (labels[r] - mean) * (labels[r] - mean);
  }
  // sklearn's r2_score: 1 when both are 0, 0 when only the total is 0.
  if (total == 0.0) return residual == 0.0 ? 1.0 : 0.0;
  return 1.0 - residual / total;
}

void FinishForestPrediction(const Model& model, std::size_t rows, PredictType type,
                            std::vector<float>& out) {
  if (type == PredictType::kValue && model.params.objective == "multi:softmax") {
    const auto k = static_cast<std::size_t>(model.num_outputs);
    for (std::size_t r = 0; r < rows; ++r) {
      const float* p = out.data() + r * k;
      out[r] = static_cast<float>(std::max_element(p, p + k) - p);
    }
    out.resize(rows);
  }
}

}  // namespace detail

std::vector<double> Model::ImpurityImportance() const {
  Validate();
  if (!params.IsForest()) {
    throw InvalidInput(
        "ImpurityImportance is scikit-learn's importance of random forests (algorithm="
        "random_forest); for gradient-boosted trees use FeatureImportance(kTotalGain)");
  }
  // sklearn's feature_importances_: per tree, the decreases of each feature normalised to sum
  // to 1 (trees that are a single leaf are left out); the mean over trees, normalised again.
  const auto features = static_cast<std::size_t>(num_features);
  std::vector<double> total(features, 0.0);
  std::size_t used = 0;
  for (const Tree& tree : trees) {
    if (tree.NumNodes() <= 1) continue;
    std::vector<double> own(features, 0.0);
    for (std::size_t i = 0; i < tree.NumNodes(); ++i) {
      if (!tree.IsLeaf(i)) own[tree.split_feature[i]] += tree.loss_change[i];
    }
    const double sum = std::accumulate(own.begin(), own.end(), 0.0);
    if (sum > 0.0) {
      for (std::size_t f = 0; f < features; ++f) total[f] += own[f] / sum;
    }
    ++used;
  }
  if (used == 0) return total;
  for (double& v : total) v /= static_cast<double>(used);
  const double sum = std::accumulate(total.begin(), total.end(), 0.0);
  if (sum > 0.0) {
    for (double& v : total) v /= sum;
  }
  return total;
}

}  // namespace grove
