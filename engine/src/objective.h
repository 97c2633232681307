// engine/src/objective.h — learning objectives by XGBoost's names: gradients, label checks,
// output transforms, base score, default metric.
//
//   auto objective = Objective::Create(params);             // from params.objective etc.
//   objective->CheckLabels(labels);                         // InvalidInput names row + value
//   objective->Gradients(ctx, margins, labels, weights, gradients);   // n x NumOutputs()
//   objective->Transform(ctx, margins);                     // in place: margins -> outputs
//
// Layout: margins, outputs and gradients are row-major n x NumOutputs(). Weights may be empty.
// The gradient loop runs in kernels/ (CPU and, later, CUDA twins share the per-row math in
// kernels/common/objective_math.h).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "grove/context.h"
#include "grove/params.h"
#include "kernels/common/gradient.h"
#include "kernels/common/objective_math.h"

namespace grove {

class Objective {
 public:
  virtual ~Objective() = default;
  /// Creates params.objective with its settings (num_class, tweedie_variance_power,
  /// huber_slope, scale_pos_weight, max_delta_step). Throws InvalidInput for unknown names.
  static std::unique_ptr<Objective> Create(const TrainParams& params);

  virtual std::string Name() const = 0;
  /// Columns of margins/outputs: num_class for multi:*, else 1.
  virtual int NumOutputs() const { return 1; }
  /// Throws InvalidInput naming the first bad row (1-based), its value and the allowed domain,
  /// e.g. "label 2 at row 17 is not in [0, 1] as binary:logistic requires".
  virtual void CheckLabels(std::span<const float> labels) const = 0;
  virtual void Gradients(const Context& ctx, std::span<const float> margins,
                         std::span<const float> labels, std::span<const float> weights,
                         std::span<GradientPair> gradients) const = 0;
  /// Margins to outputs, in place (sigmoid, exp, softmax; multi:softmax gives class indices).
  /// `values` is n x NumOutputs(). multi:softmax writes row i's class index (0 .. num_class-1,
  /// as a float) to values[i] and leaves values[n ..] unspecified: keep values.first(n), see
  /// NumTransformedOutputs().
  virtual void Transform(const Context& ctx, std::span<float> values) const = 0;
  /// Columns per row after Transform: 1 for multi:softmax (the class index), else NumOutputs().
  virtual int NumTransformedOutputs() const { return NumOutputs(); }
  /// Output-space base score to margin space (logit for logistic, log for log-link objectives).
  virtual float ProbToMargin(float base_score) const { return base_score; }
  /// XGBoost >= 2's estimate of base_score from the labels, in output space (one per output).
  virtual std::vector<float> EstimateBaseScore(const Context& ctx, std::span<const float> labels,
                                               std::span<const float> weights) const = 0;
  /// Metric printed when eval_metric is not set (XGBoost's default for the objective).
  virtual std::string DefaultMetric() const = 0;
  /// The trees' max_delta_step when the user sets none (TrainParams' 0): XGBoost 1.7.4 sets it
  /// to 0.7 for count:poisson (the objective's own default, which caps its leaves too), else 0.
  virtual double DefaultMaxDeltaStep() const { return 0.0; }
  /// reg:absoluteerror (and future quantile objectives) recompute leaf values after growth as
  /// weighted quantiles of the residuals, like XGBoost's adaptive trees.
  virtual bool HasAdaptiveLeaves() const { return false; }
  /// For adaptive objectives: the new (unscaled) leaf value from the residuals of the rows in
  /// one leaf: `rows` index into margins/labels/weights (output 0).
  /// reg:absoluteerror: the weighted median (detail::WeightedQuantile, 0.5) of label - margin,
  /// or the interpolated median (detail::Quantile) when `weights` is empty. NaN when `rows` is
  /// empty: keep the leaf's gradient value then, as XGBoost does. Not scaled by eta: XGBoost
  /// 1.7.4 leaves adaptive leaves unscaled, 2.x multiplies them by eta (the trainer decides).
  /// The base class throws InternalError (HasAdaptiveLeaves() is false).
  virtual float AdaptiveLeafValue(std::span<const std::uint32_t> rows,
                                  std::span<const float> margins, std::span<const float> labels,
                                  std::span<const float> weights) const;
};

/// The per-row math of params.objective (kernels/common/objective_math.h), for device loops
/// that compute the gradients themselves (the CUDA session). Same checks and messages as
/// Objective::Create.
ObjectiveMath ObjectiveMathOf(const TrainParams& params);

namespace detail {
/// XGBoost's common::Quantile: sorts the values (stably) and interpolates linearly between
/// order statistics at position alpha (n + 1); alpha <= 1/(n+1) gives the smallest, alpha >=
/// n/(n+1) the largest. NaN for no values. O(n log n).
float Quantile(double alpha, std::span<const float> values);
/// XGBoost's common::WeightedQuantile: a step function without interpolation, the first sorted
/// value whose running (float) weight sum reaches alpha times the total. NaN for no values.
/// With unit weights and an even count this is the lower median, not the mean of the middle two.
float WeightedQuantile(double alpha, std::span<const float> values, std::span<const float> weights);
}  // namespace detail

}  // namespace grove
