// Metrics that are a weighted mean of a per-row loss, with XGBoost 1.7's row formulas
// (src/metric/elementwise_metric.cu). XGBoost evaluates each row in float and sums in double;
// grove evaluates each row in double, so values agree to float rounding of the row terms.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "grove/errors.h"
#include "kernels/common/metric_math.h"
#include "metrics/common.h"
#include "metrics/factories.h"

namespace grove::metric_impl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view kRegressionHint = "it is a single-output metric";
constexpr std::string_view kBinaryHint = "use merror or mlogloss for multi-class output";

/// Domain of the labels a metric accepts, with its description for error messages.
struct LabelDomain {
  bool (*ok)(float);
  std::string_view text;
};

constexpr LabelDomain kAnyFinite{[](float y) { return std::isfinite(y); }, "a finite number"};
constexpr LabelDomain kProbability{[](float y) { return y >= 0.0f && y <= 1.0f; },
                                   "in [0, 1] (a 0/1 class or a probability)"};
constexpr LabelDomain kNonNegative{[](float y) { return std::isfinite(y) && y >= 0.0f; },
                                   "a finite number >= 0"};
constexpr LabelDomain kPositive{[](float y) { return std::isfinite(y) && y > 0.0f; },
                                "a finite number > 0"};

/// A metric finish(Σ w·loss / Σ w) with the row loss of kernels/common/metric_math.h (shared
/// with the device twin); NaN for no rows or zero total weight.
std::unique_ptr<Metric> MakeMean(std::string name, LabelDomain domain, std::string_view hint,
                                 RowMetric form) {
  return MakeRowMetric(name, false, form, [name, domain, hint, form](const MetricInput& in) {
    const std::size_t rows = CheckShapes(name, in, Outputs::kOne, hint);
    CheckLabels(name, in.labels, domain.ok, domain.text);
    const float* y = in.labels.data();
    const float* p = in.predictions.data();
    const std::span<const float> w = in.weights;
    const auto [sum, weight] = SumRows<2>(rows, [&](std::size_t i, std::array<double, 2>& acc) {
      const double wi = WeightAt(w, i);
      acc[0] += wi * RowLoss(form, static_cast<double>(y[i]), static_cast<double>(p[i]));
      acc[1] += wi;
    });
    if (rows == 0) return kNaN;
    return FinishRowMetric(form, sum, weight);
  });
}

RowMetric Form(RowMetricKind kind) {
  RowMetric form;
  form.kind = kind;
  return form;
}

}  // namespace

std::unique_ptr<Metric> MakeRmse() {
  RowMetric form = Form(RowMetricKind::kSquaredError);
  form.sqrt_of_mean = true;
  return MakeMean("rmse", kAnyFinite, kRegressionHint, form);
}

std::unique_ptr<Metric> MakeMse() {
  return MakeMean("mse", kAnyFinite, kRegressionHint, Form(RowMetricKind::kSquaredError));
}

std::unique_ptr<Metric> MakeRmsle() {
  constexpr LabelDomain kAboveMinusOne{[](float y) { return std::isfinite(y) && y > -1.0f; },
                                       "a finite number > -1 (rmsle takes log1p of it)"};
  RowMetric form = Form(RowMetricKind::kSquaredLogError);
  form.sqrt_of_mean = true;
  return MakeMean("rmsle", kAboveMinusOne, kRegressionHint, form);
}

std::unique_ptr<Metric> MakeMae() {
  return MakeMean("mae", kAnyFinite, kRegressionHint, Form(RowMetricKind::kAbsoluteError));
}

std::unique_ptr<Metric> MakeMape() {
  constexpr LabelDomain kNonZero{[](float y) { return std::isfinite(y) && y != 0.0f; },
                                 "a finite nonzero number (mape divides by the label; use mae "
                                 "when labels can be 0)"};
  return MakeMean("mape", kNonZero, kRegressionHint, Form(RowMetricKind::kAbsolutePercentError));
}

std::unique_ptr<Metric> MakePseudoHuber(double slope) {
  if (!(slope > 0.0) || !std::isfinite(slope)) {
    throw InvalidInput(fmt::format("mphe: huber_slope is {}; expected a finite number > 0", slope));
  }
  RowMetric form = Form(RowMetricKind::kPseudoHuber);
  form.param = slope;
  return MakeMean("mphe", kAnyFinite, kRegressionHint, form);
}

std::unique_ptr<Metric> MakeLogLoss() {
  return MakeMean("logloss", kProbability, kBinaryHint, Form(RowMetricKind::kLogLoss));
}

std::unique_ptr<Metric> MakeError(float threshold) {
  // XGBoost prints plain "error" for the default threshold, "error@0.3" otherwise.
  std::string name = threshold == 0.5f ? "error" : fmt::format("error@{:g}", threshold);
  RowMetric form = Form(RowMetricKind::kError);
  form.threshold = threshold;
  return MakeMean(std::move(name), kProbability, kBinaryHint, form);
}

std::unique_ptr<Metric> MakePoissonNLogLik() {
  return MakeMean("poisson-nloglik", kNonNegative, kRegressionHint,
                  Form(RowMetricKind::kPoissonNLogLik));
}

std::unique_ptr<Metric> MakeGammaDeviance() {
  // Mean unit deviance 2 (r - log r - 1) with r = y/μ (metric_math.h has XGBoost's epsilon).
  return MakeMean("gamma-deviance", kPositive, kRegressionHint,
                  Form(RowMetricKind::kGammaDeviance));
}

std::unique_ptr<Metric> MakeGammaNLogLik() {
  // XGBoost's form with dispersion ψ = 1: θ = -1/μ, b(θ) = -log(-θ) = log μ and
  // c(y) = log y - log y - lgamma(1) = 0, so -((yθ - b) + c) = y/μ + log μ.
  return MakeMean("gamma-nloglik", kPositive, kRegressionHint, Form(RowMetricKind::kGammaNLogLik));
}

std::unique_ptr<Metric> MakeTweedieNLogLik(double rho) {
  if (!(rho >= 1.0 && rho < 2.0)) {
    throw InvalidInput(fmt::format(
        "tweedie-nloglik@{}: the variance power rho must be in [1, 2) (e.g. tweedie-nloglik@1.5)",
        rho));
  }
  RowMetric form = Form(RowMetricKind::kTweedieNLogLik);
  form.param = rho;
  return MakeMean(fmt::format("tweedie-nloglik@{:g}", rho), kNonNegative, kRegressionHint, form);
}

std::unique_ptr<Metric> MakeR2() {
  // scikit-learn's r2_score: 1 - Σw(y-p)² / Σw(y-ȳ)² with the weighted mean ȳ; two passes so
  // that the denominator has no cancellation. Fewer than 2 rows: NaN (as scikit-learn);
  // constant labels: 1 for a perfect fit, else 0 (scikit-learn's force_finite). The row sums
  // are metric_math.h's, shared with the device.
  DeviceForm form;
  form.r2 = true;
  return MakeMetric(
      "r2", true,
      [](const MetricInput& in) {
        const std::size_t rows = CheckShapes("r2", in, Outputs::kOne, kRegressionHint);
        CheckLabels("r2", in.labels, kAnyFinite.ok, kAnyFinite.text);
        const float* y = in.labels.data();
        const float* p = in.predictions.data();
        const auto w = in.weights;
        const auto first = SumRows<3>(rows, [&](std::size_t i, std::array<double, 3>& acc) {
          R2Sums s{acc[0], acc[1], acc[2]};
          AddR2Row(s, y[i], p[i], WeightAt(w, i));
          acc = {s.residual, s.label, s.weight};
        });
        const R2Sums sums{first[0], first[1], first[2]};
        if (!R2Defined(rows, sums)) return kNaN;
        const double mean = sums.label / sums.weight;
        const auto second = SumRows<1>(rows, [&](std::size_t i, std::array<double, 1>& acc) {
          acc[0] += R2SpreadTerm(y[i], mean, WeightAt(w, i));
        });
        return FinishR2(sums, second[0]);
      },
      form);
}

}  // namespace grove::metric_impl
