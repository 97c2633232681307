// kernels/common/objective_math.h — per-row gradients, hessians and output transforms of the
// learning objectives, shared by the CPU loop (kernels/cpu/gradient.cc) and a future CUDA twin.
//
//   ObjectiveMath math{ObjectiveKind::kLogistic};
//   GradientPair g = RowGradient(math, margin, label, weight);     // one output
//   SoftmaxRowGradients(margins_of_row, k, label, weight, out);      // multi:*, k outputs
//   float p = TransformMargin(ObjectiveKind::kLogistic, margin);     // sigmoid
//
// Every expression mirrors XGBoost 1.7.4 (src/objective/regression_loss.h, regression_obj.cu,
// multiclass_obj.cu, hinge.cu, common/math.h) operation by operation and in the same float /
// double types, because grove promises bit-for-bit agreement with XGBoost's gradients and
// predictions on the CPU: an innocent-looking rewrite such as `y * w` for `w * y`, float for
// double or `1 / (1 + e)` without XGBoost's clamp changes last bits. Do not "simplify" them.
// The peer test (tests/engine/objective_peer_test.cc) checks them against xgboost 1.7.4.
#pragma once

#include <math.h>  // the C names (expf, log1pf, ...) are what CUDA device code can call

#include <cfloat>
#include <cmath>
#include <cstdint>

#include "kernels/common/gradient.h"

namespace grove {

/// The gradient formula families; several objective names share one (binary:logistic and
/// reg:logistic; multi:softmax and multi:softprob).
enum class ObjectiveKind : std::uint8_t {
  kSquaredError,     ///< reg:squarederror (reg:linear)
  kSquaredLogError,  ///< reg:squaredlogerror
  kLogistic,         ///< reg:logistic, binary:logistic: sigmoid output
  kLogitRaw,         ///< binary:logitraw: logistic loss, raw margin output
  kPseudoHuber,      ///< reg:pseudohubererror
  kAbsoluteError,    ///< reg:absoluteerror
  kHinge,            ///< binary:hinge
  kPoisson,          ///< count:poisson
  kGamma,            ///< reg:gamma
  kTweedie,          ///< reg:tweedie
  kSoftmax,          ///< multi:softmax, multi:softprob
};

/// Everything the per-row math needs: plain data, copyable to a device.
struct ObjectiveMath {
  ObjectiveKind kind = ObjectiveKind::kSquaredError;
  int num_class = 1;              ///< outputs per row (kSoftmax), else 1
  float scale_pos_weight = 1.0f;  ///< rows with label == 1 (XGBoost's RegLossObj family)
  float huber_slope = 1.0f;       ///< kPseudoHuber
  float max_delta_step = 0.7f;    ///< kPoisson's hessian shift (XGBoost's default 0.7)
  float tweedie_power = 1.5f;     ///< kTweedie's variance power rho
};

/// XGBoost's common::Sigmoid: the argument of exp is clamped at 88.7 so that it cannot
/// overflow, and the 1e-16 guards a zero denominator. std::min semantics (not fminf) keep a NaN
/// margin NaN. Verified bit for bit against xgboost 1.7.4's predictions.
GROVE_HOST_DEVICE inline float Sigmoid(float x) {
  constexpr float kEps = 1e-16f;
  float t = -x;
  t = (88.7f < t) ? 88.7f : t;
  const float denominator = expf(t) + 1.0f + kEps;
  return 1.0f / denominator;
}

/// True for the objectives of XGBoost's RegLossObj template, the only ones whose rows with
/// label 1 get their weight multiplied by scale_pos_weight (reg:squarederror included).
GROVE_HOST_DEVICE inline bool UsesScalePosWeight(ObjectiveKind kind) {
  return kind == ObjectiveKind::kSquaredError || kind == ObjectiveKind::kSquaredLogError ||
         kind == ObjectiveKind::kLogistic || kind == ObjectiveKind::kLogitRaw;
}

namespace detail {

// 1/2 (p - y)^2: g = p - y, h = 1.
GROVE_HOST_DEVICE inline GradientPair SquaredError(float p, float y, float w) {
  return {(p - y) * w, 1.0f * w};
}

// 1/2 (log1p(p) - log1p(y))^2 with p clamped above -1. The hessian divides by std::pow(float,
// int), which C++ promotes to double; (p + 1)^2 of a float is exact in double.
GROVE_HOST_DEVICE inline GradientPair SquaredLogError(float p, float y, float w) {
  p = fmaxf(p, static_cast<float>(-1 + 1e-6));
  const float grad = (log1pf(p) - log1pf(y)) / (p + 1);
  const double base = static_cast<double>(p + 1);
  float hess = static_cast<float>(static_cast<double>(-log1pf(p) + log1pf(y) + 1) / (base * base));
  hess = fmaxf(hess, 1e-6f);
  return {grad * w, hess * w};
}

// Log loss on p = sigmoid(margin): g = p - y, h = max(p (1 - p), 1e-16).
GROVE_HOST_DEVICE inline GradientPair Logistic(float margin, float y, float w) {
  const float p = Sigmoid(margin);
  const float hess = fmaxf(p * (1.0f - p), 1e-16f);
  return {(p - y) * w, hess * w};
}

// delta^2 (sqrt(1 + (z/delta)^2) - 1), z = p - y: g = z / sqrt(1 + z^2/delta^2),
// h = delta^2 / ((delta^2 + z^2) sqrt(1 + z^2/delta^2)).
GROVE_HOST_DEVICE inline GradientPair PseudoHuber(float p, float y, float w, float slope) {
  const float z = p - y;
  const float scale_sqrt = sqrtf(1 + (z * z) / (slope * slope));
  const float grad = z / scale_sqrt;
  const float scale = slope * slope + z * z;
  const float hess = (slope * slope) / (scale * scale_sqrt);
  return {grad * w, hess * w};
}

// |p - y|: g = sign(p - y), h = 1 (XGBoost then replaces leaf values by residual medians).
GROVE_HOST_DEVICE inline GradientPair AbsoluteError(float p, float y, float w) {
  const float z = p - y;
  const int sign = static_cast<int>(z > 0.0f) - static_cast<int>(z < 0.0f);
  return {static_cast<float>(sign) * w, w};
}

// max(0, 1 - m y') with y' = 2y - 1: g = -y' and h = 1 inside the margin, else g = 0 and the
// smallest normal float as hessian (unweighted, as XGBoost writes it).
GROVE_HOST_DEVICE inline GradientPair Hinge(float p, float label, float w) {
  const float y = static_cast<float>(label * 2.0 - 1.0);
  if (p * y < 1.0) return {-y * w, w};
  return {0.0f, FLT_MIN};
}

// Poisson deviance with log link: g = e^m - y, h = e^(m + max_delta_step) (XGBoost inflates the
// hessian to damp the first steps).
GROVE_HOST_DEVICE inline GradientPair Poisson(float m, float y, float w, float max_delta_step) {
  return {(expf(m) - y) * w, expf(m + max_delta_step) * w};
}

// Gamma deviance with log link: g = 1 - y e^-m, h = y e^-m.
GROVE_HOST_DEVICE inline GradientPair Gamma(float m, float y, float w) {
  return {(1 - y / expf(m)) * w, y / expf(m) * w};
}

// Tweedie deviance with log link and power rho:
// g = -y e^((1-rho) m) + e^((2-rho) m), h = -y (1-rho) e^((1-rho) m) + (2-rho) e^((2-rho) m).
GROVE_HOST_DEVICE inline GradientPair Tweedie(float m, float y, float w, float rho) {
  const float grad = -y * expf((1 - rho) * m) + expf((2 - rho) * m);
  const float hess = -y * (1 - rho) * expf((1 - rho) * m) + (2 - rho) * expf((2 - rho) * m);
  return {grad * w, hess * w};
}

}  // namespace detail

/// Gradient pair of one row for the single-output kinds (not kSoftmax). `weight` is the row's
/// weight (1 when the data set has none); scale_pos_weight is applied here.
GROVE_HOST_DEVICE inline GradientPair RowGradient(const ObjectiveMath& math, float margin,
                                                  float label, float weight) {
  if (UsesScalePosWeight(math.kind) && label == 1.0f) weight *= math.scale_pos_weight;
  switch (math.kind) {
    case ObjectiveKind::kSquaredError:
      return detail::SquaredError(margin, label, weight);
    case ObjectiveKind::kSquaredLogError:
      return detail::SquaredLogError(margin, label, weight);
    case ObjectiveKind::kLogistic:
    case ObjectiveKind::kLogitRaw:
      return detail::Logistic(margin, label, weight);
    case ObjectiveKind::kPseudoHuber:
      return detail::PseudoHuber(margin, label, weight, math.huber_slope);
    case ObjectiveKind::kAbsoluteError:
      return detail::AbsoluteError(margin, label, weight);
    case ObjectiveKind::kHinge:
      return detail::Hinge(margin, label, weight);
    case ObjectiveKind::kPoisson:
      return detail::Poisson(margin, label, weight, math.max_delta_step);
    case ObjectiveKind::kGamma:
      return detail::Gamma(margin, label, weight);
    case ObjectiveKind::kTweedie:
      return detail::Tweedie(margin, label, weight, math.tweedie_power);
    case ObjectiveKind::kSoftmax:
      break;
  }
  return {0.0f, 0.0f};
}

/// Softmax cross-entropy gradients of one row with `k` outputs: g_j = p_j - [j == label],
/// h_j = max(2 p_j (1 - p_j) w, 1e-16). As in XGBoost's multiclass_obj.cu the running maximum
/// starts at FLT_MIN (the smallest positive float, not -inf) and the denominator is summed in
/// double; the hessian's floor applies after weighting.
GROVE_HOST_DEVICE inline void SoftmaxRowGradients(const float* margins, int k, float label,
                                                  float weight, GradientPair* out) {
  float wmax = FLT_MIN;
  for (int j = 0; j < k; ++j) wmax = fmaxf(margins[j], wmax);
  double wsum = 0.0;
  for (int j = 0; j < k; ++j) wsum += expf(margins[j] - wmax);
  for (int j = 0; j < k; ++j) {
    float p = expf(margins[j] - wmax) / static_cast<float>(wsum);
    const float hess = fmaxf(2.0f * p * (1.0f - p) * weight, 1e-16f);
    p = label == static_cast<float>(j) ? p - 1.0f : p;
    out[j] = GradientPair{p * weight, hess};
  }
}

/// Margin to output for the single-output kinds: sigmoid, exp, the hinge's 0/1 class, or the
/// margin itself.
GROVE_HOST_DEVICE inline float TransformMargin(ObjectiveKind kind, float margin) {
  switch (kind) {
    case ObjectiveKind::kLogistic:
      return Sigmoid(margin);
    case ObjectiveKind::kHinge:
      return margin > 0.0 ? 1.0f : 0.0f;
    case ObjectiveKind::kPoisson:
    case ObjectiveKind::kGamma:
    case ObjectiveKind::kTweedie:
      return expf(margin);
    default:
      return margin;
  }
}

/// In-place softmax of one row, XGBoost's common::Softmax: maximum from the first element,
/// exponentials stored as floats, their sum in double.
GROVE_HOST_DEVICE inline void SoftmaxRow(float* values, int k) {
  float wmax = values[0];
  for (int j = 1; j < k; ++j) wmax = fmaxf(values[j], wmax);
  double wsum = 0.0;
  for (int j = 0; j < k; ++j) {
    values[j] = expf(values[j] - wmax);
    wsum += values[j];
  }
  for (int j = 0; j < k; ++j) values[j] /= static_cast<float>(wsum);
}

/// Index of the first largest value of a row (XGBoost's FindMaxIndex: ties go to the lower
/// class).
GROVE_HOST_DEVICE inline int ArgMaxRow(const float* values, int k) {
  int best = 0;
  for (int j = 1; j < k; ++j) {
    if (values[j] > values[best]) best = j;
  }
  return best;
}

}  // namespace grove
