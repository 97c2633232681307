// kernels/common/gradient.h — gradient pairs and their exact fixed-point sums, shared by the
// CPU and CUDA kernels.
//
//   GradientQuantizer q = GradientQuantizer::ForRound(max_abs_grad, max_hess, rows);
//   GradientSum s{};  s += q.ToFixed(GradientPair{g, h});   // integer: order-independent
//   double G = q.Grad(s), H = q.Hess(s);
//
// Why fixed point: float/double sums depend on the order of additions, so a histogram built by
// 1 thread, 16 threads or a GPU would differ in its last bits and trees could differ. Scaling
// each round's gradients to 64-bit integers makes every sum exact and order-independent
// (DESIGN.md, "Exact, order-independent histogram sums"; XGBoost's GPU hist does the same).
// The scale leaves headroom so that the sum over all rows cannot overflow.
#pragma once

#include <cmath>
#include <cstdint>

#ifdef __CUDACC__
#  define GROVE_HOST_DEVICE __host__ __device__
#else
#  define GROVE_HOST_DEVICE
#endif

namespace grove {

/// First and second derivative of the loss for one row (and one output).
struct GradientPair {
  float grad = 0.0f;
  float hess = 0.0f;
};

/// Fixed-point sum of gradient pairs: exact, associative, commutative.
struct GradientSum {
  std::int64_t grad = 0;
  std::int64_t hess = 0;

  GROVE_HOST_DEVICE GradientSum& operator+=(const GradientSum& other) {
    grad += other.grad;
    hess += other.hess;
    return *this;
  }
  GROVE_HOST_DEVICE GradientSum& operator-=(const GradientSum& other) {
    grad -= other.grad;
    hess -= other.hess;
    return *this;
  }
  GROVE_HOST_DEVICE friend GradientSum operator+(GradientSum a, const GradientSum& b) {
    return a += b;
  }
  GROVE_HOST_DEVICE friend GradientSum operator-(GradientSum a, const GradientSum& b) {
    return a -= b;
  }
  friend bool operator==(const GradientSum&, const GradientSum&) = default;
};

/// Converts between float gradient pairs and fixed-point sums with per-round scales.
struct GradientQuantizer {
  double grad_scale = 1.0;  ///< fixed = llround(grad * grad_scale)
  double hess_scale = 1.0;

  /// Scales such that `rows` values of magnitude up to the given maxima sum without overflow,
  /// keeping 2^62 of headroom: scale = 2^(62 - ceil(log2(max * rows))).
  static GradientQuantizer ForRound(double max_abs_grad, double max_hess, std::uint64_t rows) {
    GradientQuantizer q;
    q.grad_scale = ScaleFor(max_abs_grad, rows);
    q.hess_scale = ScaleFor(max_hess, rows);
    return q;
  }

  GROVE_HOST_DEVICE GradientSum ToFixed(GradientPair pair) const {
    return GradientSum{static_cast<std::int64_t>(llrint(pair.grad * grad_scale)),
                       static_cast<std::int64_t>(llrint(pair.hess * hess_scale))};
  }
  GROVE_HOST_DEVICE double Grad(const GradientSum& sum) const {
    return static_cast<double>(sum.grad) / grad_scale;
  }
  GROVE_HOST_DEVICE double Hess(const GradientSum& sum) const {
    return static_cast<double>(sum.hess) / hess_scale;
  }

 private:
  static double ScaleFor(double max_abs, std::uint64_t rows) {
    const double bound = max_abs * static_cast<double>(rows == 0 ? 1 : rows);
    if (!(bound > 0.0) || !std::isfinite(bound)) return 1.0;
    // A power of two, so that scaling is exact in binary floating point.
    return std::ldexp(1.0, 62 - static_cast<int>(std::ceil(std::log2(bound))));
  }
};

}  // namespace grove
