// kernels/histogram.h — gradient histograms of tree nodes.
//
//   std::vector<GradientSum> hist(view.total_bins);
//   HistogramTask task{node_rows, hist};
//   BuildHistograms(ctx, view, gradients, std::span(&task, 1));
//   // hist[view.feature_offsets[f] + b] = sum of gradients of the node's rows with bin b in f
//
// Sums are fixed-point integers (kernels/common/gradient.h), so the result is identical for
// any thread count, row order or device. Cost: O(rows x features) scattered adds per task.
#pragma once

#include <span>

#include "grove/context.h"
#include "kernels/binned_view.h"
#include "kernels/common/gradient.h"

namespace grove {

struct HistogramTask {
  std::span<const std::uint32_t> rows;  ///< the node's rows (indices into the matrix)
  std::span<GradientSum> histogram;     ///< total_bins entries, overwritten
};

/// Builds every task's histogram. `gradients` has one fixed-point pair per matrix row.
void BuildHistograms(const Context& ctx, const BinnedView& bins,
                     std::span<const GradientSum> gradients, std::span<const HistogramTask> tasks);

/// out = parent - child, element-wise (the sibling's histogram without touching its rows).
void SubtractHistogram(const Context& ctx, std::span<const GradientSum> parent,
                       std::span<const GradientSum> child, std::span<GradientSum> out);

namespace cpu_impl {
void BuildHistograms(const Context& ctx, const BinnedView& bins,
                     std::span<const GradientSum> gradients, std::span<const HistogramTask> tasks);
void SubtractHistogram(const Context& ctx, std::span<const GradientSum> parent,
                       std::span<const GradientSum> child, std::span<GradientSum> out);
}  // namespace cpu_impl

}  // namespace grove
