// kernels/gradient.h — the objective loops over rows: gradients, output transforms and the
// gradient totals used to estimate base_score.
//
//   ObjectiveMath math{ObjectiveKind::kLogistic};
//   cpu_impl::ComputeGradients(ctx, math, margins, labels, weights, gradients);
//   cpu_impl::TransformMargins(ctx, math, margins);          // margins -> probabilities
//   GradientTotals t = cpu_impl::SumGradients(ctx, gradients, 1);
//
// Layout: margins and gradients are row-major n x K (K = math.num_class for kSoftmax, else 1);
// labels has n entries; weights is empty (every row weighs 1) or has n entries. The per-row math
// lives in kernels/common/objective_math.h so that a CUDA twin computes the same bits.
// Rows are independent, so results do not depend on ctx.Threads(); SumGradients adds fixed
// blocks in a fixed order for the same reason. Labels are not checked here (the engine's
// Objective::CheckLabels does that once).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "grove/context.h"
#include "kernels/common/gradient.h"
#include "kernels/common/objective_math.h"

namespace grove {

/// Sums of the gradient pairs of one output, in double.
struct GradientTotals {
  double grad = 0.0;
  double hess = 0.0;
};

namespace cpu_impl {

/// gradients[i * K + j] = gradient of row i, output j. Spans must have the sizes above;
/// a mismatch throws InternalError (a caller bug). O(n K), threads over blocks of rows.
void ComputeGradients(const Context& ctx, const ObjectiveMath& math, std::span<const float> margins,
                      std::span<const float> labels, std::span<const float> weights,
                      std::span<GradientPair> gradients);

/// In place, margins to outputs: sigmoid / exp / hinge class for single-output kinds, the
/// softmax probabilities of each row for kSoftmax (class indices: ArgMaxRows).
void TransformMargins(const Context& ctx, const ObjectiveMath& math, std::span<float> values);

/// classes[i] = index of the largest of values[i * k .. i * k + k) (the first on ties).
void ArgMaxRows(const Context& ctx, std::span<const float> values, int k,
                std::span<std::int32_t> classes);

/// Per-output sums over all rows of a row-major n x k gradient matrix. Deterministic: rows are
/// summed in fixed blocks and the blocks in order, whatever the thread count.
std::vector<GradientTotals> SumGradients(const Context& ctx,
                                         std::span<const GradientPair> gradients, int k);

}  // namespace cpu_impl
}  // namespace grove
