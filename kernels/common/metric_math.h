// kernels/common/metric_math.h — the per-row terms of the metrics that are a weighted mean of a
// row loss, shared by metrics/ (the host metrics) and kernels/cuda/metrics.cu (their device
// twin used while training on a GPU), so that both compute the same double for every row.
//
//   RowMetric m{RowMetricKind::kLogLoss};
//   double term = RowTerm(m, predictions + i * k, k, labels[i]);    // one row's loss
//   // Σ w·term and Σ w over kMetricBlockRows-row blocks, blocks added in order:
//   double value = FinishRowMetric(m.kind, sum_wterm, sum_w);        // rmse: sqrt(mean), ...
//
// Also r2's two passes (AddR2Row, R2SpreadTerm, FinishR2), the class-decision metrics'
// per-class counts (ClassCounts: precision, recall, f1, balanced_accuracy), summed in the same
// blocks, and the ranking metrics' per-group sweep (RankSweep, FinishRankGroup: ndcg, map).
//
// Expressions are metrics/elementwise.cc's and classification.cc's, in the same double and
// float types (see there for XGBoost's forms). The C math names (log, log1p, lgamma, ...) are
// glibc's on the host; CUDA's double versions may differ in the last bit for log/exp/lgamma.
#pragma once

#include <math.h>  // the C names are what CUDA device code can call

#include <cstddef>
#include <cstdint>
#include <vector>

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

/// r2's first pass (metrics/elementwise.cc): Σ w(y-p)², Σ w·y and Σ w.
struct R2Sums {
  double residual = 0.0;
  double label = 0.0;
  double weight = 0.0;
};

GROVE_HOST_DEVICE inline void AddR2Row(R2Sums& s, float y, float p, float w) {
  const double wi = w;
  const double d = static_cast<double>(y) - p;
  s.residual += wi * d * d;
  s.label += wi * y;
  s.weight += wi;
}

/// r2's second pass, one row: w(y - ȳ)² (two passes, so the denominator has no cancellation).
GROVE_HOST_DEVICE inline double R2SpreadTerm(float y, double mean, float w) {
  const double d = y - mean;
  return w * d * d;
}

/// Whether r2 has a value after the first pass: at least 2 rows (as scikit-learn) and weight.
inline bool R2Defined(std::size_t rows, const R2Sums& s) {
  return rows >= 2 && s.weight > 0.0;
}

/// scikit-learn's r2_score from the first pass and the second's Σ w(y - ȳ)²; constant labels
/// give 1 for a perfect fit, else 0 (its force_finite).
inline double FinishR2(const R2Sums& s, double spread) {
  if (spread == 0.0) return s.residual == 0.0 ? 1.0 : 0.0;
  return 1.0 - s.residual / spread;
}

/// The classes of a class-decision metric: 2 for one output (p > 0.5), else one per output.
GROVE_HOST_DEVICE inline std::size_t ClassesOf(std::size_t outputs) {
  return outputs == 1 ? 2 : outputs;
}

/// The weighted per-class counts of the class-decision metrics (metrics/classification.cc):
/// per class, Σ w of the rows whose label it is (truth), whose predicted class it is
/// (predicted) and both (hit), and whether any row has it as label or prediction (seen:
/// scikit-learn's unique_labels). Each is summed per kMetricBlockRows block in row order and
/// the blocks are added in order (Add).
struct ClassCounts {
  std::vector<double> hit, truth, predicted;
  std::vector<std::uint8_t> seen;

  ClassCounts() = default;
  explicit ClassCounts(std::size_t classes)
      : hit(classes), truth(classes), predicted(classes), seen(classes) {}

  /// Adds the next block's counts.
  void Add(const ClassCounts& block) {
    for (std::size_t c = 0; c < hit.size(); ++c) {
      hit[c] += block.hit[c];
      truth[c] += block.truth[c];
      predicted[c] += block.predicted[c];
      seen[c] |= block.seen[c];
    }
  }
};

enum class RankKind : std::uint8_t { kNdcg, kMap };

/// A ranking metric: ndcg or map, its @k (SIZE_MAX: every position) and its "-" (a group
/// without relevant documents scores 0 instead of 1). Plain data.
struct RankMetric {
  RankKind kind = RankKind::kNdcg;
  std::size_t top_k = SIZE_MAX;
  bool minus = false;
};

/// ndcg's discount divisor at 0-based position i: log2(i + 2). Host only: the device reads a
/// table of them, since CUDA's log2 may differ from glibc's in the last bit.
inline double RankDiscount(std::size_t i) {
  return log2(static_cast<double>(i) + 2.0);
}

/// One group's sweep over its first min(rows, top_k) documents in ranked order, as XGBoost
/// 1.7.4's EvalNDCG / EvalMAP add them: ndcg's DCG@k, Σ (2^rel - 1) / RankDiscount(i) over
/// the relevant positions; map's Σ hits(i) / (i + 1) over the relevant positions, hits(i) the
/// relevant documents up to position i. label(i): the i-th ranked document's label;
/// discount(i): RankDiscount(i) (ndcg only).
template <class Label, class Discount>
GROVE_HOST_DEVICE double RankSweep(const RankMetric& m, std::size_t rows, Label label,
                                   Discount discount) {
  const std::size_t end = rows < m.top_k ? rows : m.top_k;
  double sum = 0.0;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < end; ++i) {
    const float y = label(i);
    if (m.kind == RankKind::kNdcg) {
      const auto rel = static_cast<unsigned>(y);
      if (rel != 0) sum += static_cast<double>((std::uint64_t{1} << rel) - 1) / discount(i);
    } else if (y != 0.0f) {
      ++hits;
      sum += static_cast<double>(hits) / static_cast<double>(i + 1);
    }
  }
  return sum;
}

/// A group's value from its sweep and its constant `ideal`, which depends on the labels only:
/// ndcg's ideal DCG@k (the sweep of its labels in descending order), map's count of relevant
/// documents in the whole group (not only its top k). 1 (or 0 with "-") when `ideal` is 0.
inline double FinishRankGroup(const RankMetric& m, double sum, double ideal) {
  if (ideal == 0.0) return m.minus ? 0.0 : 1.0;
  return sum / ideal;
}

}  // namespace grove
