// kernels/common/metric_math.h — the per-row terms of the metrics that are a weighted mean of a
// row loss, shared by metrics/ (the host metrics) and kernels/cuda/metrics.cu (their device
// twin used while training on a GPU), so that both compute the same double for every row.
//
//   RowMetric m{RowMetricKind::kLogLoss};
//   double term = RowTerm(m, predictions + i * k, k, labels[i]);    // one row's loss
//   // Σ w·term and Σ w over kMetricBlockRows-row blocks, blocks added in order:
//   double value = FinishRowMetric(m.kind, sum_wterm, sum_w);        // rmse: sqrt(mean), ...
//
// Expressions are metrics/elementwise.cc's and classification.cc's, in the same double and
// float types (see there for XGBoost's forms). The C math names (log, log1p, lgamma, ...) are
// glibc's on the host; CUDA's double versions may differ in the last bit for log/exp/lgamma.
#pragma once

#include <math.h>  // the C names are what CUDA device code can call

#include <cstddef>
#include <cstdint>

#include "kernels/common/gradient.h"  // GROVE_HOST_DEVICE

namespace grove {

/// Rows per reduction block of every metric sum (metrics/common.h); fixed, so that results do
/// not depend on the thread count or the device.
inline constexpr std::size_t kMetricBlockRows = std::size_t{1} << 14;

enum class RowMetricKind : std::uint8_t {
  kSquaredError,          ///< rmse, mse
  kSquaredLogError,       ///< rmsle
  kAbsoluteError,         ///< mae
  kAbsolutePercentError,  ///< mape
  kPseudoHuber,           ///< mphe (param: huber slope)
  kLogLoss,               ///< logloss
  kError,                 ///< error, error@t (threshold)
  kPoissonNLogLik,        ///< poisson-nloglik
  kGammaDeviance,         ///< gamma-deviance
  kGammaNLogLik,          ///< gamma-nloglik
  kTweedieNLogLik,        ///< tweedie-nloglik@rho (param: rho)
  kMultiLogLoss,          ///< mlogloss (k >= 2 outputs)
  kMultiError,            ///< merror (k >= 2 outputs)
  kAccuracy,              ///< accuracy (k = 1: p > 0.5; else the first argmax)
};

/// A metric of the row-mean family: its kind and its `@` or fixed parameter. Plain data.
struct RowMetric {
  RowMetricKind kind = RowMetricKind::kSquaredError;
  float threshold = 0.5f;     ///< kError
  double param = 0.0;         ///< kPseudoHuber: slope; kTweedieNLogLik: rho
  bool sqrt_of_mean = false;  ///< rmse, rmsle: the square root of the mean
};

namespace detail {

GROVE_HOST_DEVICE inline double LogLossTerm(double y, double p) {
  // XGBoost clips p below at eps = 1e-16 and 1 - p likewise; it works in float, where
  // 1 - eps == 1, so a clipped row costs exactly -log(eps) on its wrong side.
  constexpr double kEps = 1e-16;
  const double log_eps = log(kEps);
  if (p < kEps) return -y * log_eps;                // log(1 - eps) == 0 in float
  if (1.0 - p < kEps) return -(1.0 - y) * log_eps;  // p == 1
  return -y * log(p) - (1.0 - y) * log(1.0 - p);
}

GROVE_HOST_DEVICE inline double TweedieTerm(double y, double p, double rho) {
  // At rho = 1 XGBoost's y·μ^(1-ρ)/(1-ρ) divides by zero (it prints nan/inf); grove uses the
  // ρ → 1 limit without its divergent constant y/(1-ρ): μ - y·log μ.
  if (rho == 1.0) return p - y * log(p);
  const double a = y * exp((1.0 - rho) * log(p)) / (1.0 - rho);
  const double b = exp((2.0 - rho) * log(p)) / (2.0 - rho);
  return -a + b;
}

/// The predicted class of a row: p > 0.5 for one output, else the first argmax.
GROVE_HOST_DEVICE inline std::size_t PredictedClassOf(const float* row, std::size_t outputs) {
  if (outputs == 1) return row[0] > 0.5f ? 1 : 0;
  std::size_t best = 0;
  for (std::size_t c = 1; c < outputs; ++c) {
    if (row[c] > row[best]) best = c;
  }
  return best;
}

}  // namespace detail

/// The loss of one row of a single-output kind (every kind but kMultiLogLoss, kMultiError and
/// kAccuracy): label y, prediction p on the output scale.
GROVE_HOST_DEVICE inline double RowLoss(const RowMetric& m, double y, double p) {
  switch (m.kind) {
    case RowMetricKind::kSquaredError:
      return (y - p) * (y - p);
    case RowMetricKind::kSquaredLogError: {
      const double d = log1p(p) - log1p(y);
      return d * d;
    }
    case RowMetricKind::kAbsoluteError:
      return fabs(y - p);
    case RowMetricKind::kAbsolutePercentError:
      return fabs((y - p) / y);
    case RowMetricKind::kPseudoHuber: {
      const double slope = m.param;
      const double a = (p - y) / slope;
      return slope * slope * (sqrt(1.0 + a * a) - 1.0);
    }
    case RowMetricKind::kLogLoss:
      return detail::LogLossTerm(y, p);
    case RowMetricKind::kError:
      return static_cast<float>(p) > m.threshold ? 1.0 - y : y;
    case RowMetricKind::kPoissonNLogLik: {
      const double q = p < 1e-16 ? 1e-16 : p;  // std::max(p, 1e-16): a NaN p stays NaN
      return lgamma(y + 1.0) + q - log(q) * y;
    }
    case RowMetricKind::kGammaDeviance: {
      // XGBoost 1.7 adds 1e-6 (kRtEps) to both y and μ first.
      constexpr double kRtEps = 1e-6;
      const double r = (y + kRtEps) / (p + kRtEps);
      return r - log(r) - 1.0;
    }
    case RowMetricKind::kGammaNLogLik:
      return y / p + log(p);
    case RowMetricKind::kTweedieNLogLik:
      return detail::TweedieTerm(y, p, m.param);
    default:
      return 0.0;
  }
}

/// The loss of one row of `outputs` predictions (row-major) with label `label`, for every kind:
/// the class kinds read the whole row, the others its one value.
GROVE_HOST_DEVICE inline double RowTerm(const RowMetric& m, const float* row, std::size_t outputs,
                                        float label) {
  switch (m.kind) {
    case RowMetricKind::kMultiLogLoss: {
      // XGBoost: -log(p[label]) with p clipped below at eps = 1e-16.
      const double p = row[static_cast<std::size_t>(label)];
      return -log(p < 1e-16 ? 1e-16 : p);
    }
    case RowMetricKind::kMultiError:
      return detail::PredictedClassOf(row, outputs) != static_cast<std::size_t>(label) ? 1.0 : 0.0;
    case RowMetricKind::kAccuracy:
      return detail::PredictedClassOf(row, outputs) == static_cast<std::size_t>(label) ? 1.0 : 0.0;
    default:
      return RowLoss(m, static_cast<double>(label), static_cast<double>(row[0]));
  }
}

/// The metric from Σ w·term and Σ w: NaN when no weight; the square root for rmse/rmsle, twice
/// the mean for gamma-deviance.
inline double FinishRowMetric(const RowMetric& m, double weighted_sum, double weight) {
  if (!(weight > 0.0)) return NAN;
  const double mean = weighted_sum / weight;
  if (m.sqrt_of_mean) return sqrt(mean);
  if (m.kind == RowMetricKind::kGammaDeviance) return 2.0 * mean;
  return mean;
}

}  // namespace grove
