// engine/src/forest_splitter.h — scikit-learn's node splitting rules for random forests, as a
// SplitFinder for the tree grower (engine/src/tree_grower.h).
//
//   ForestSplitter splitter(ctx, bins, layout, values, labels, rules, stream);
//   GrowResult grown = TreeGrower(ctx, bins, grower_params).Grow(splitter, rows, cancel);
//
// Per node (sklearn/tree/_splitter.pyx BestSplitter, _tree.pyx DepthFirstTreeBuilder): a node
// with fewer than min_samples_split rows, less than 2 x min_weight_leaf weight or a single
// class (a single label value for regression) stays a leaf. Otherwise features are visited in
// a random order drawn for (tree, node); constant features (all rows in one bin) are skipped;
// visiting stops once max_features features were visited and at least one was not constant,
// so more than max_features may be tried when the first ones are constant. The best split of
// the visited features is kept unless its impurity improvement, decrease / W_total, plus
// machine epsilon is below min_impurity_decrease. Histograms are built only for the visited
// features, level by level in bounded chunks, through kernels/subset_histogram.h; splits come
// from kernels/impurity_split.h.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/src/quantize.h"
#include "engine/src/tree_grower.h"
#include "grove/context.h"
#include "kernels/binned_view.h"
#include "kernels/impurity_split.h"

namespace grove {

struct ForestSplitRules {
  std::int64_t min_samples_split = 2;   ///< already max(min_samples_split, 2 min_samples_leaf)
  double min_weight_leaf = 0.0;         ///< min_weight_fraction_leaf x the tree's total weight
  double min_impurity_decrease = 0.0;
  double total_weight = 0.0;            ///< the tree's total (in-bag) weight
  int max_features = 1;
  ImpurityRules leaf;                   ///< min_samples_leaf (count channel) and weight
};

class ForestSplitter final : public SplitFinder {
 public:
  /// `values`: rows x layout.pairs fixed-point channel values (zero for out-of-bag rows).
  /// `labels`: the training labels (regression nodes with one label value stay leaves).
  /// Everything referenced must outlive the splitter.
  ForestSplitter(const Context& ctx, const BinnedMatrix& bins, const ImpurityLayout& layout,
                 std::span<const GradientSum> values, std::span<const float> labels,
                 const ForestSplitRules& rules, std::uint64_t stream);

  void FindSplits(std::span<const SplitQuery> nodes, std::span<SplitCandidate> best) override;

 private:
  struct Pending;
  bool StaysLeaf(const SplitQuery& node, const std::vector<GradientSum>& sum) const;
  void NextBatch(Pending& p) const;
  void EvaluateChunk(std::span<Pending*> chunk);

  const Context& ctx_;
  const BinnedMatrix& bins_;
  const ImpurityLayout& layout_;
  std::span<const GradientSum> values_;
  std::span<const float> labels_;
  ForestSplitRules rules_;
  std::uint64_t stream_;
  BinnedView bin_view_;
  CutsView cut_view_;
  std::vector<GradientSum> hist_buffer_;    // all zero between calls
  std::vector<std::uint64_t> touched_buffer_;  // likewise
};

}  // namespace grove
