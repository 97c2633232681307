// kernels/impurity_split.h — random-forest split search: for each (node, feature), the split
// with the largest weighted impurity decrease (gini, entropy or squared error), from the
// node's feature-subset histogram (kernels/subset_histogram.h).
//
//   ImpurityLayout layout{Criterion::kGini, /*classes=*/2, /*channels=*/2, false, 1, quantizers};
//   ImpuritySplitTask task{hist, features, node_sum};
//   std::vector<FeatureSplit> out(features.size());
//   EvaluateImpuritySplits(ctx, cuts, layout, rules, std::span(&task, 1), out);
//   // out[k].constant: the node's rows share one bin of features[k] (missing counts as a bin)
//   // out[k].best.loss_change = W_t i(t) - W_l i(l) - W_r i(r) (weighted impurity decrease)
//
// Channels: classification carries one weight per class (channels 0..classes-1), regression
// (sum w*y, sum w); an optional last channel counts rows (min_samples_leaf > 1). Channel c is
// pair c / 2, `grad` for even c and `hess` for odd c, scaled by quantizers[c / 2].
// Candidates: every boundary between two non-empty bins of the node, with missing values sent
// right, then left; when the node has missing values, also "missing alone on the left". The
// threshold sits in the middle of the empty bins between the two non-empty ones (the binned
// counterpart of scikit-learn's midpoint between two values). Strictly larger decreases win,
// so ties keep the first candidate in that order. Results do not depend on the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "grove/context.h"
#include "kernels/binned_view.h"
#include "kernels/common/gradient.h"
#include "kernels/common/impurity_math.h"
#include "kernels/common/impurity_scan.h"
#include "kernels/split.h"

namespace grove {

struct ImpurityLayout {
  Criterion criterion = Criterion::kGini;
  int classes = 0;        ///< classification: number of classes; regression: 0
  int channels = 0;       ///< classes (or 2 for regression), + 1 with a count channel
  bool has_count = false; ///< the last channel counts rows
  std::size_t pairs = 0;  ///< (channels + 1) / 2 GradientSums per row and per bin
  std::span<const GradientQuantizer> quantizers;  ///< one per pair
};

struct ImpurityRules {
  double min_leaf_count = 1.0;   ///< rows in each child (checked with a count channel)
  double min_leaf_weight = 0.0;  ///< weight in each child
};

struct ImpuritySplitTask {
  std::span<const GradientSum> histogram;   ///< subset layout of `features`, pairs per bin
  std::span<const std::uint32_t> features;
  std::span<const GradientSum> node_sum;    ///< the node's totals, `pairs` entries
  /// Optional bitmap of the non-empty bins (kernels/subset_histogram.h, `touched`): bins
  /// without a bit are not read, which makes small nodes cheap.
  std::span<const std::uint64_t> touched;
};

struct FeatureSplit {
  SplitCandidate best;    ///< feature -1 when no admissible split
  bool constant = false;
};

/// Node statistics of fixed-point sums (`pairs` entries) in double.
NodeStats StatsOf(const ImpurityLayout& layout, const GradientSum* sums);

/// The layout and rules as the shared per-feature scan takes them (kernels/common/impurity_scan.h).
ImpurityScanParams ImpurityScanParamsOf(const ImpurityLayout& layout, const ImpurityRules& rules);

/// `out` has one entry per (task, feature), task-major, in each task's feature order.
void EvaluateImpuritySplits(const Context& ctx, const CutsView& cuts, const ImpurityLayout& layout,
                            const ImpurityRules& rules, std::span<const ImpuritySplitTask> tasks,
                            std::span<FeatureSplit> out);

namespace cpu_impl {
void EvaluateImpuritySplits(const Context& ctx, const CutsView& cuts, const ImpurityLayout& layout,
                            const ImpurityRules& rules, std::span<const ImpuritySplitTask> tasks,
                            std::span<FeatureSplit> out);
}  // namespace cpu_impl

}  // namespace grove
