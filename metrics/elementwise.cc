// Metrics that are a weighted mean of a per-row loss, with XGBoost 1.7's row formulas
// (src/metric/elementwise_metric.cu). XGBoost evaluates each row in float and sums in double;
// grove evaluates each row in double, so values agree to float rounding of the row terms.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "grove/errors.h"
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

/// Weighted sum of loss(y, p) and of the weights, over fixed blocks (deterministic).
template <class Loss>
std::array<double, 2> SumLoss(const MetricInput& in, std::size_t rows, const Loss& loss) {
  const float* y = in.labels.data();
  const float* p = in.predictions.data();
  const std::span<const float> w = in.weights;
  return SumRows<2>(rows, [&](std::size_t i, std::array<double, 2>& acc) {
    const double wi = WeightAt(w, i);
    acc[0] += wi * loss(static_cast<double>(y[i]), static_cast<double>(p[i]));
    acc[1] += wi;
  });
}

/// A metric finish(Σ w·loss / Σ w); NaN for no rows or zero total weight.
template <class Loss, class Finish>
std::unique_ptr<Metric> MakeMean(std::string name, LabelDomain domain, std::string_view hint,
                                 Loss loss, Finish finish) {
  return MakeMetric(name, false, [name, domain, hint, loss, finish](const MetricInput& in) {
    const std::size_t rows = CheckShapes(name, in, Outputs::kOne, hint);
    CheckLabels(name, in.labels, domain.ok, domain.text);
    const auto [sum, weight] = SumLoss(in, rows, loss);
    if (rows == 0 || !(weight > 0.0)) return kNaN;
    return finish(sum / weight);
  });
}

constexpr auto kIdentity = [](double mean) { return mean; };
constexpr auto kSqrt = [](double mean) { return std::sqrt(mean); };

}  // namespace

std::unique_ptr<Metric> MakeRmse() {
  return MakeMean(
      "rmse", kAnyFinite, kRegressionHint, [](double y, double p) { return (y - p) * (y - p); },
      kSqrt);
}

std::unique_ptr<Metric> MakeMse() {
  return MakeMean(
      "mse", kAnyFinite, kRegressionHint, [](double y, double p) { return (y - p) * (y - p); },
      kIdentity);
}

std::unique_ptr<Metric> MakeRmsle() {
  constexpr LabelDomain kAboveMinusOne{[](float y) { return std::isfinite(y) && y > -1.0f; },
                                       "a finite number > -1 (rmsle takes log1p of it)"};
  return MakeMean(
      "rmsle", kAboveMinusOne, kRegressionHint,
      [](double y, double p) {
        const double d = std::log1p(p) - std::log1p(y);
        return d * d;
      },
      kSqrt);
}

std::unique_ptr<Metric> MakeMae() {
  return MakeMean(
      "mae", kAnyFinite, kRegressionHint, [](double y, double p) { return std::abs(y - p); },
      kIdentity);
}

std::unique_ptr<Metric> MakeMape() {
  constexpr LabelDomain kNonZero{[](float y) { return std::isfinite(y) && y != 0.0f; },
                                 "a finite nonzero number (mape divides by the label; use mae "
                                 "when labels can be 0)"};
  return MakeMean(
      "mape", kNonZero, kRegressionHint, [](double y, double p) { return std::abs((y - p) / y); },
      kIdentity);
}

std::unique_ptr<Metric> MakePseudoHuber(double slope) {
  if (!(slope > 0.0) || !std::isfinite(slope)) {
    throw InvalidInput(fmt::format("mphe: huber_slope is {}; expected a finite number > 0", slope));
  }
  return MakeMean(
      "mphe", kAnyFinite, kRegressionHint,
      [slope](double y, double p) {
        const double a = (p - y) / slope;
        return slope * slope * (std::sqrt(1.0 + a * a) - 1.0);
      },
      kIdentity);
}

std::unique_ptr<Metric> MakeLogLoss() {
  // XGBoost clips p below at eps = 1e-16 and 1 - p likewise; it works in float, where
  // 1 - eps == 1, so a clipped row costs exactly -log(eps) on its wrong side.
  return MakeMean(
      "logloss", kProbability, kBinaryHint,
      [](double y, double p) {
        constexpr double kEps = 1e-16;
        const double log_eps = std::log(kEps);
        if (p < kEps) return -y * log_eps;                // log(1 - eps) == 0 in float
        if (1.0 - p < kEps) return -(1.0 - y) * log_eps;  // p == 1
        return -y * std::log(p) - (1.0 - y) * std::log(1.0 - p);
      },
      kIdentity);
}

std::unique_ptr<Metric> MakeError(float threshold) {
  // XGBoost prints plain "error" for the default threshold, "error@0.3" otherwise.
  std::string name = threshold == 0.5f ? "error" : fmt::format("error@{:g}", threshold);
  return MakeMean(
      std::move(name), kProbability, kBinaryHint,
      [threshold](double y, double p) { return static_cast<float>(p) > threshold ? 1.0 - y : y; },
      kIdentity);
}

std::unique_ptr<Metric> MakePoissonNLogLik() {
  return MakeMean(
      "poisson-nloglik", kNonNegative, kRegressionHint,
      [](double y, double p) {
        const double q = std::max(p, 1e-16);
        return std::lgamma(y + 1.0) + q - std::log(q) * y;
      },
      kIdentity);
}

std::unique_ptr<Metric> MakeGammaDeviance() {
  // Mean unit deviance 2 (r - log r - 1) with r = y/μ; XGBoost 1.7 adds 1e-6 (kRtEps) to both
  // y and μ first, which moves small labels noticeably, so grove does the same.
  return MakeMean(
      "gamma-deviance", kPositive, kRegressionHint,
      [](double y, double p) {
        constexpr double kRtEps = 1e-6;
        const double r = (y + kRtEps) / (p + kRtEps);
        return r - std::log(r) - 1.0;
      },
      [](double mean) { return 2.0 * mean; });
}

std::unique_ptr<Metric> MakeGammaNLogLik() {
  // XGBoost's form with dispersion ψ = 1: θ = -1/μ, b(θ) = -log(-θ) = log μ and
  // c(y) = log y - log y - lgamma(1) = 0, so -((yθ - b) + c) = y/μ + log μ.
  return MakeMean(
      "gamma-nloglik", kPositive, kRegressionHint,
      [](double y, double p) { return y / p + std::log(p); }, kIdentity);
}

std::unique_ptr<Metric> MakeTweedieNLogLik(double rho) {
  if (!(rho >= 1.0 && rho < 2.0)) {
    throw InvalidInput(fmt::format(
        "tweedie-nloglik@{}: the variance power rho must be in [1, 2) (e.g. tweedie-nloglik@1.5)",
        rho));
  }
  auto loss = [rho](double y, double p) {
    // At rho = 1 XGBoost's y·μ^(1-ρ)/(1-ρ) divides by zero (it prints nan/inf); grove uses the
    // ρ → 1 limit without its divergent constant y/(1-ρ): μ - y·log μ.
    if (rho == 1.0) return p - y * std::log(p);
    const double a = y * std::exp((1.0 - rho) * std::log(p)) / (1.0 - rho);
    const double b = std::exp((2.0 - rho) * std::log(p)) / (2.0 - rho);
    return -a + b;
  };
  return MakeMean(fmt::format("tweedie-nloglik@{:g}", rho), kNonNegative, kRegressionHint, loss,
                  kIdentity);
}

std::unique_ptr<Metric> MakeR2() {
  // scikit-learn's r2_score: 1 - Σw(y-p)² / Σw(y-ȳ)² with the weighted mean ȳ; two passes so
  // that the denominator has no cancellation. Fewer than 2 rows: NaN (as scikit-learn);
  // constant labels: 1 for a perfect fit, else 0 (scikit-learn's force_finite).
  return MakeMetric("r2", true, [](const MetricInput& in) {
    const std::size_t rows = CheckShapes("r2", in, Outputs::kOne, kRegressionHint);
    CheckLabels("r2", in.labels, kAnyFinite.ok, kAnyFinite.text);
    const float* y = in.labels.data();
    const float* p = in.predictions.data();
    const auto w = in.weights;
    const auto first = SumRows<3>(rows, [&](std::size_t i, std::array<double, 3>& acc) {
      const double wi = WeightAt(w, i);
      const double d = static_cast<double>(y[i]) - p[i];
      acc[0] += wi * d * d;
      acc[1] += wi * y[i];
      acc[2] += wi;
    });
    if (rows < 2 || !(first[2] > 0.0)) return kNaN;
    const double mean = first[1] / first[2];
    const auto second = SumRows<1>(rows, [&](std::size_t i, std::array<double, 1>& acc) {
      const double d = y[i] - mean;
      acc[0] += WeightAt(w, i) * d * d;
    });
    if (second[0] == 0.0) return first[0] == 0.0 ? 1.0 : 0.0;
    return 1.0 - first[0] / second[0];
  });
}

}  // namespace grove::metric_impl
