// engine/src/forest_visit.h — the per-node rules of scikit-learn's BestSplitter that the CPU
// forest splitter (forest_splitter.cc) and the CUDA forest grower (cuda_forest.cc) share, so
// that both grow the same trees: whether a node stays a leaf, the random order in which its
// features are visited, when the visit stops, and whether its best split is kept.
//
//   if (ForestNodeStaysLeaf(layout, rules, rows, sums, labels_uniform)) ...;
//   FeatureVisit visit(features, tree_stream, node);
//   while (!visit.Done()) {
//     visit.NextBatch(rules.max_features);
//     ... one FeatureSplit per feature of visit.Batch() (kernels/impurity_split.h) ...
//     visit.Take(results, rules.max_features);
//   }
//   if (KeepForestSplit(visit.Best(), rules)) best = visit.Best();
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <vector>

#include "engine/src/random.h"
#include "kernels/impurity_split.h"

namespace grove {

struct ForestSplitRules {
  std::int64_t min_samples_split = 2;  ///< already max(min_samples_split, 2 min_samples_leaf)
  double min_weight_leaf = 0.0;        ///< min_weight_fraction_leaf x the tree's total weight
  double min_impurity_decrease = 0.0;
  double total_weight = 0.0;  ///< the tree's total (in-bag) weight
  int max_features = 1;
  ImpurityRules leaf;  ///< min_samples_leaf (count channel) and weight
};

/// A node with fewer than min_samples_split rows, less than twice the minimum leaf weight, no
/// weight, or one class (regression: one label value; `labels_uniform()` is asked only then)
/// stays a leaf. `sums`: the node's `pairs` fixed-point totals.
template <class LabelsUniform>
bool ForestNodeStaysLeaf(const ImpurityLayout& layout, const ForestSplitRules& rules,
                         std::size_t rows, const GradientSum* sums,
                         LabelsUniform&& labels_uniform) {
  if (static_cast<std::int64_t>(rows) < rules.min_samples_split) return true;
  const NodeStats stats = StatsOf(layout, sums);
  const double weight = TotalWeight(layout.criterion, stats, layout.classes);
  if (weight < 2.0 * rules.min_weight_leaf || !(weight > 0.0)) return true;
  if (layout.criterion == Criterion::kSquaredError) return labels_uniform();
  int classes_present = 0;
  for (int k = 0; k < layout.classes; ++k) classes_present += stats.w[k] > 0.0 ? 1 : 0;
  return classes_present <= 1;
}

/// scikit-learn's `improvement + EPSILON < min_impurity_decrease` test, improvement being the
/// decrease over the tree's total weight: whether a node's best split is kept.
inline bool KeepForestSplit(const SplitCandidate& best, const ForestSplitRules& rules) {
  if (!best.Valid()) return false;
  const double improvement = best.loss_change / rules.total_weight;
  return !(improvement + std::numeric_limits<double>::epsilon() < rules.min_impurity_decrease);
}

/// The features one node visits: a random order drawn for (tree stream, node) by a partial
/// Fisher-Yates shuffle, max_features at a time; constant features do not count, and the visit
/// stops once max_features features were visited and one of them was not constant (or every
/// feature was). The best split is the strictly largest decrease, the first visited on ties.
class FeatureVisit {
 public:
  FeatureVisit() = default;
  FeatureVisit(std::size_t features, std::uint64_t stream, std::int32_t node)
      : order_(features),
        rng_(Random::For(stream, kStreamByNode, static_cast<std::uint64_t>(node))) {
    std::iota(order_.begin(), order_.end(), 0U);
    done_ = features == 0;
  }

  /// The next batch: up to max_features more features (after a batch of constant ones, only
  /// those up to the first non-constant one will count).
  void NextBatch(int max_features) {
    const std::size_t features = order_.size();
    const std::size_t take = std::min(features - drawn_, static_cast<std::size_t>(max_features));
    batch_begin_ = drawn_;
    for (std::size_t i = 0; i < take; ++i, ++drawn_) {
      std::swap(order_[drawn_], order_[drawn_ + rng_.Below(features - drawn_)]);
    }
  }

  std::span<const std::uint32_t> Batch() const {
    return std::span<const std::uint32_t>(order_).subspan(batch_begin_, drawn_ - batch_begin_);
  }

  /// The results of Batch(), in its order.
  void Take(std::span<const FeatureSplit> results, int max_features) {
    for (const FeatureSplit& r : results) {
      if (done_) break;
      ++visited_;
      if (!r.constant) {
        non_constant_ = true;
        if (r.best.Valid() && r.best.loss_change > best_.loss_change) best_ = r.best;
      }
      if (visited_ >= max_features && non_constant_) done_ = true;
    }
    if (drawn_ == order_.size()) done_ = true;
  }

  bool Done() const { return done_; }
  const SplitCandidate& Best() const { return best_; }

 private:
  std::vector<std::uint32_t> order_;
  Random rng_{0};
  std::size_t drawn_ = 0;        // order_[0, drawn_) is fixed
  std::size_t batch_begin_ = 0;  // order_[batch_begin_, drawn_): the current batch
  int visited_ = 0;
  bool non_constant_ = false;
  bool done_ = false;
  SplitCandidate best_;
};

}  // namespace grove
