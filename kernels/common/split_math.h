// kernels/common/split_math.h — leaf weight and split gain, shared by CPU and CUDA kernels so
// that the devices cannot drift.
//
//   SplitParams p{.lambda = 1.0, .alpha = 0.0, .min_child_weight = 1.0};
//   double w = CalcWeight(p, G, H);                 // optimal leaf weight (before eta)
//   double gain = CalcGain(p, G, H);                // structure score of a node
//
// Formulas: Chen & Guestrin 2016 ("XGBoost: A Scalable Tree Boosting System"), eq. (5)-(7),
// with XGBoost's L1 soft threshold (alpha), weight clipping (max_delta_step) and monotone
// bounds, as in XGBoost's src/tree/param.h and split_evaluator.h:
//   w* = -T_alpha(G) / (H + lambda), clipped to [-max_delta_step, max_delta_step] and bounds;
//   gain(w) = -(2 G w + (H + lambda) w^2); without clipping or bounds this equals
//   T_alpha(G)^2 / (H + lambda), which is what is used then.
#pragma once

#include <cmath>
#include <limits>

#include "kernels/common/gradient.h"

namespace grove {

struct SplitParams {
  double lambda = 1.0;            ///< L2 regularisation on leaf weights
  double alpha = 0.0;             ///< L1 regularisation on leaf weights
  double min_child_weight = 1.0;  ///< minimum hessian sum in a child
  double max_delta_step = 0.0;    ///< 0 = no clipping of leaf weights
  double min_split_loss = 0.0;    ///< gamma: minimum loss reduction to split
};

/// Bounds a node's weight may take under monotone constraints (unbounded by default).
struct WeightBounds {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  GROVE_HOST_DEVICE bool Bounded() const {
    return lower != -std::numeric_limits<double>::infinity() ||
           upper != std::numeric_limits<double>::infinity();
  }
};

GROVE_HOST_DEVICE inline double ThresholdL1(double g, double alpha) {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0.0;
}

/// Optimal leaf weight for gradient sum g and hessian sum h (0 when h is too small).
GROVE_HOST_DEVICE inline double CalcWeight(const SplitParams& p, double g, double h,
                                           WeightBounds bounds = {}) {
  if (h < p.min_child_weight || h <= 0.0) return 0.0;
  double w = -ThresholdL1(g, p.alpha) / (h + p.lambda);
  if (p.max_delta_step != 0.0) {
    if (w > p.max_delta_step) w = p.max_delta_step;
    if (w < -p.max_delta_step) w = -p.max_delta_step;
  }
  if (w < bounds.lower) w = bounds.lower;
  if (w > bounds.upper) w = bounds.upper;
  return w;
}

/// Structure score of a node holding (g, h) when its weight is w.
GROVE_HOST_DEVICE inline double CalcGainGivenWeight(const SplitParams& p, double g, double h,
                                                    double w, bool bounded) {
  if (h <= 0.0) return 0.0;
  if (p.max_delta_step == 0.0 && !bounded) {
    const double t = ThresholdL1(g, p.alpha);
    return t * t / (h + p.lambda);
  }
  return -(2.0 * g * w + (h + p.lambda) * w * w);
}

/// Structure score of a node at its optimal (clipped, bounded) weight.
GROVE_HOST_DEVICE inline double CalcGain(const SplitParams& p, double g, double h,
                                         WeightBounds bounds = {}) {
  return CalcGainGivenWeight(p, g, h, CalcWeight(p, g, h, bounds), bounds.Bounded());
}

}  // namespace grove
