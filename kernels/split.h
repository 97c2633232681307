// kernels/split.h — best split of each node from its histogram.
//
//   SplitTask task{hist, node_sum, features, bounds, parent_gain};
//   SplitCandidate best;
//   EvaluateSplits(ctx, cuts, params, quantizer, monotone, std::span(&task, 1), std::span(&best, 1));
//   if (best.feature >= 0) { ... x < best.threshold goes left, missing -> best.missing_left }
//
// Every cut of every candidate feature is tried with missing values sent right, then (when the
// node has missing values) sent left, in XGBoost's order, so that equal gains resolve the same
// way: the lowest feature, then the first candidate in that order, wins. Gains use
// kernels/common/split_math.h. Monotone constraints reject splits whose child weights are in
// the wrong order. Results are independent of the thread count.
#pragma once

#include <cstdint>
#include <limits>
#include <span>

#include "grove/context.h"
#include "kernels/binned_view.h"
#include "kernels/common/gradient.h"
#include "kernels/common/split_math.h"

namespace grove {

struct SplitCandidate {
  /// Sentinel for split_bin: no present value goes left (only missing values do).
  static constexpr std::uint32_t kNoBinLeft = std::numeric_limits<std::uint32_t>::max();

  double loss_change = -std::numeric_limits<double>::infinity();
  std::int32_t feature = -1;  ///< -1: no admissible split
  std::uint32_t split_bin = 0;  ///< present values with local bin <= split_bin go left
  bool missing_left = false;
  float threshold = 0.0f;       ///< x < threshold goes left (cut value of split_bin)
  GradientSum left_sum;
  GradientSum right_sum;
  double left_weight = 0.0;     ///< optimal weights of the children (before eta)
  double right_weight = 0.0;

  bool Valid() const { return feature >= 0; }
  /// Whether a row with this local bin (missing_bin = the feature's missing bin or
  /// kNoBinLeft when it has none) goes to the left child.
  bool GoesLeft(std::uint32_t bin, std::uint32_t missing_bin) const {
    if (bin == missing_bin) return missing_left;
    return split_bin != kNoBinLeft && bin <= split_bin;
  }
};

struct SplitTask {
  std::span<const GradientSum> histogram;  ///< the node's histogram, total_bins entries
  GradientSum node_sum;                    ///< sum over the node's rows
  std::span<const std::uint32_t> features; ///< candidate features, ascending
  WeightBounds bounds;                     ///< monotone-constraint bounds of the node weight
  double parent_gain = 0.0;                ///< CalcGain of the node itself
};

/// `monotone`: per feature -1/0/+1, or empty (no constraints). With any constraint or a
/// max_delta_step, gains are computed from the clipped weights, as XGBoost does.
void EvaluateSplits(const Context& ctx, const CutsView& cuts, const SplitParams& params,
                    const GradientQuantizer& quantizer, std::span<const std::int8_t> monotone,
                    std::span<const SplitTask> tasks, std::span<SplitCandidate> best);

namespace cpu_impl {
void EvaluateSplits(const Context& ctx, const CutsView& cuts, const SplitParams& params,
                    const GradientQuantizer& quantizer, std::span<const std::int8_t> monotone,
                    std::span<const SplitTask> tasks, std::span<SplitCandidate> best);
}  // namespace cpu_impl

}  // namespace grove
