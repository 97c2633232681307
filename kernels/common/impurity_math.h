// kernels/common/impurity_math.h — random-forest split criteria on weighted sums, shared by the
// CPU and CUDA kernels so that the devices cannot drift.
//
//   NodeStats s = ...;                       // per-class weights, or (sum w*y, sum w)
//   double wi = WeightedImpurity(Criterion::kGini, s, classes);   // W * impurity(node)
//   double decrease = WeightedImpurity(c, parent, k) - WeightedImpurity(c, left, k)
//                     - WeightedImpurity(c, right, k);
//
// Definitions (Breiman et al. 1984; scikit-learn's sklearn/tree/_criterion.pyx): with class
// weights w_k and W = sum_k w_k,
//   gini:     W * (1 - sum_k (w_k / W)^2)          = W - sum_k w_k^2 / W
//   entropy:  W * -sum_k (w_k / W) log2(w_k / W)   = W log2 W - sum_k w_k log2 w_k
//   squared error (w-weighted variance): W * (sum w y^2 / W - (S / W)^2) = sum w y^2 - S^2 / W
// The split score only needs differences between a node and its children, in which
// sum w y^2 cancels; WeightedImpurity therefore returns -S^2 / W for squared error (the node's
// impurity up to a term that every split of the node shares).
#pragma once

#include <cmath>

#include "kernels/common/gradient.h"

namespace grove {

enum class Criterion { kGini, kEntropy, kSquaredError };

/// Node statistics in double: classification uses w[0..classes), regression w[0] = sum w*y and
/// w[1] = sum w. `count` is the number of rows (only meaningful when the layout carries it).
/// Only the entries a layout uses are written (not zero-initialised: split search builds two
/// of these per candidate).
struct NodeStats {
  static constexpr int kMaxChannels = 64;
  double w[kMaxChannels];
  double count = 0.0;
};

GROVE_HOST_DEVICE inline double TotalWeight(Criterion c, const NodeStats& s, int classes) {
  if (c == Criterion::kSquaredError) return s.w[1];
  double total = 0.0;
  for (int k = 0; k < classes; ++k) total += s.w[k];
  return total;
}

/// W * impurity, up to a per-node constant for squared error (see above). 0 for an empty node.
GROVE_HOST_DEVICE inline double WeightedImpurity(Criterion c, const NodeStats& s, int classes) {
  const double total = TotalWeight(c, s, classes);
  if (!(total > 0.0)) return 0.0;
  switch (c) {
    case Criterion::kGini: {
      double squares = 0.0;
      for (int k = 0; k < classes; ++k) squares += s.w[k] * s.w[k];
      return total - squares / total;
    }
    case Criterion::kEntropy: {
      double sum = total * std::log2(total);
      for (int k = 0; k < classes; ++k) {
        if (s.w[k] > 0.0) sum -= s.w[k] * std::log2(s.w[k]);
      }
      return sum;
    }
    case Criterion::kSquaredError:
      return -s.w[0] * s.w[0] / total;
  }
  return 0.0;
}

}  // namespace grove
