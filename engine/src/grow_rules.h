// engine/src/grow_rules.h — the host-side rules of tree growth that the CPU grower
// (tree_grower.cc) and the CUDA grower (cuda_grower.cc) share, so that both make the same
// decisions from the same numbers: which features a node may split on (colsample by level and
// by node, interaction constraints), monotone bounds of the children, a node's parent gain,
// the growth limits, best-first order, and how a chosen split is written into the tree.
//
//   FeatureSampler sampler(tree_features, params, stream, num_features);
//   std::vector<std::uint32_t> f = sampler.NodeFeatures(node, depth, path);
//   std::int32_t left = ApplySplit(params, quantizer, tree, split_bin, node, split, parent_sum,
//                                  bounds);
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/src/quantize.h"
#include "engine/src/random.h"
#include "engine/src/tree_grower.h"
#include "grove/tree.h"

namespace grove::detail {

inline std::uint32_t MissingBinOf(const HistogramCuts& cuts, std::uint32_t f) {
  return cuts.HasMissing(f) ? cuts.MissingBin(f) : SplitCandidate::kNoBinLeft;
}

inline bool MaySplitDeeper(const GrowerParams& params, int depth) {
  return params.max_depth == 0 || depth < params.max_depth;
}

/// Whether a node with this best split is split (lossguide and depthwise alike); `leaves` is
/// the tree's current number of leaves.
inline bool CanSplit(const GrowerParams& params, const SplitCandidate& split, int depth,
                     std::size_t leaves) {
  return split.Valid() && split.loss_change >= params.split.min_split_loss &&
         MaySplitDeeper(params, depth) &&
         (params.max_leaves == 0 || leaves < static_cast<std::size_t>(params.max_leaves));
}

inline bool HasMonotone(const GrowerParams& params) {
  return std::any_of(params.monotone.begin(), params.monotone.end(),
                     [](std::int8_t c) { return c != 0; });
}

/// CalcGain of the node itself, with the clipped-weight formula when max_delta_step or a
/// monotone constraint is in play (what split evaluation subtracts from the children's gains).
inline double ParentGain(const GrowerParams& params, const GradientQuantizer& quantizer,
                         const GradientSum& sum, const WeightBounds& bounds) {
  const double g = quantizer.Grad(sum);
  const double h = quantizer.Hess(sum);
  const bool weight_formula = params.split.max_delta_step != 0.0 || HasMonotone(params);
  return CalcGainGivenWeight(params.split, g, h, CalcWeight(params.split, g, h, bounds),
                             weight_formula);
}

/// Monotone constraints: a split on an increasing feature caps the left subtree's weights and
/// floors the right subtree's at the midpoint of the two children (XGBoost's rule).
inline WeightBounds ChildBounds(const GrowerParams& params, const WeightBounds& parent,
                                const SplitCandidate& split, bool left) {
  WeightBounds b = parent;
  const int c = params.monotone.empty() ? 0 : params.monotone[split.feature];
  if (c == 0) return b;
  const double mid = 0.5 * (split.left_weight + split.right_weight);
  if ((c > 0) == left) {
    b.upper = mid;
  } else {
    b.lower = mid;
  }
  return b;
}

/// The features split on from the root to a child: the parent's path plus f, ascending.
inline std::vector<std::uint32_t> ChildPath(const std::vector<std::uint32_t>& parent_path,
                                            std::uint32_t f) {
  std::vector<std::uint32_t> path = parent_path;
  if (!std::binary_search(path.begin(), path.end(), f)) {
    path.insert(std::upper_bound(path.begin(), path.end(), f), f);
  }
  return path;
}

/// Best-first order: true when `a` comes after `b` (lower gain; on equal gain the node created
/// later). For std::make_heap / push_heap / pop_heap.
template <typename NodeT>
bool LossguideAfter(const NodeT& a, const NodeT& b) {
  if (a.split.loss_change != b.split.loss_change) return a.split.loss_change < b.split.loss_change;
  return a.node > b.node;
}

/// Writes `split` of leaf `node` (statistics `parent_sum`, monotone bounds `bounds`) into the
/// tree: the split itself, the children's leaf values (eta times their weights) and covers, and
/// the parent's unscaled weight. split_bin[node] keeps the local split bin for binned
/// traversal. Returns the left child's index (the right one is the next).
inline std::int32_t ApplySplit(const GrowerParams& params, const GradientQuantizer& quantizer,
                               Tree& tree, std::vector<std::uint32_t>& split_bin, std::int32_t node,
                               const SplitCandidate& s, const GradientSum& parent_sum,
                               const WeightBounds& bounds) {
  const double parent_weight =
      CalcWeight(params.split, quantizer.Grad(parent_sum), quantizer.Hess(parent_sum), bounds);
  const std::int32_t left =
      tree.Split(node, static_cast<std::uint32_t>(s.feature), s.threshold, s.missing_left,
                 static_cast<float>(s.loss_change), static_cast<float>(params.eta * s.left_weight),
                 static_cast<float>(params.eta * s.right_weight),
                 static_cast<float>(quantizer.Hess(s.left_sum)),
                 static_cast<float>(quantizer.Hess(s.right_sum)));
  tree.value[node] = static_cast<float>(parent_weight);
  split_bin.resize(tree.NumNodes(), 0);
  split_bin[node] = s.split_bin;
  return left;
}

/// The root's leaf value and cover, from the sum over the tree's rows.
inline void SetRootValue(const GrowerParams& params, const GradientQuantizer& quantizer, Tree& tree,
                         const GradientSum& sum) {
  const double w = CalcWeight(params.split, quantizer.Grad(sum), quantizer.Hess(sum));
  tree.value[0] = static_cast<float>(params.eta * w);
  tree.sum_hessian[0] = static_cast<float>(quantizer.Hess(sum));
}

/// Every row of a node falls in exactly one bin of feature 0 (its missing bin included), so
/// the node's sum is the sum of those bins.
inline GradientSum NodeSumOf(const HistogramCuts& cuts, std::span<const GradientSum> hist) {
  GradientSum sum{};
  if (cuts.NumFeatures() == 0) return sum;
  const std::uint32_t bins = cuts.NumBins(0) + (cuts.HasMissing(0) ? 1U : 0U);
  for (std::uint32_t b = 0; b < bins; ++b) sum += hist[cuts.FeatureOffset(0) + b];
  return sum;
}

/// Column sampling of one tree: colsample_bylevel draws from the tree's features once per
/// depth, colsample_bynode from the level's features once per node; interaction constraints
/// then keep the features on the node's path and those of every set that contains the path.
class FeatureSampler {
 public:
  FeatureSampler(std::span<const std::uint32_t> tree_features, const GrowerParams& params,
                 std::uint64_t stream, std::size_t num_features)
      : tree_features_(tree_features),
        params_(params),
        stream_(stream),
        num_features_(num_features) {}

  std::span<const std::uint32_t> LevelFeatures(int depth) {
    while (static_cast<int>(level_features_.size()) <= depth) {
      const auto d = static_cast<std::uint64_t>(level_features_.size());
      level_features_.push_back(SampleFeatures(tree_features_, params_.colsample_bylevel,
                                               Random::For(stream_, kStreamByLevel, d)));
    }
    return level_features_[depth];
  }

  std::vector<std::uint32_t> NodeFeatures(std::int32_t node, int depth,
                                          const std::vector<std::uint32_t>& path) {
    std::vector<std::uint32_t> features =
        SampleFeatures(LevelFeatures(depth), params_.colsample_bynode,
                       Random::For(stream_, kStreamByNode, static_cast<std::uint64_t>(node)));
    if (params_.interaction_sets.empty() || path.empty()) return features;
    std::vector<std::uint8_t> allowed(num_features_, 0);
    for (const std::uint32_t f : path) allowed[f] = 1;
    for (const auto& set : params_.interaction_sets) {
      const bool contains_path = std::all_of(path.begin(), path.end(), [&](std::uint32_t f) {
        return std::find(set.begin(), set.end(), f) != set.end();
      });
      if (!contains_path) continue;
      for (const std::uint32_t f : set) {
        if (f < allowed.size()) allowed[f] = 1;
      }
    }
    std::erase_if(features, [&](std::uint32_t f) { return allowed[f] == 0; });
    return features;
  }

 private:
  std::span<const std::uint32_t> tree_features_;
  const GrowerParams& params_;
  std::uint64_t stream_;
  std::size_t num_features_;
  std::vector<std::vector<std::uint32_t>> level_features_;
};

}  // namespace grove::detail
