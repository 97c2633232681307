// kernels/subset_histogram.h — histograms of several fixed-point pairs per row over a subset of
// the features: what a random forest needs, since each node tries only `max_features`
// features and carries one weight per class.
//
//   // pairs = 2: row r's values are values[2 r] and values[2 r + 1]
//   SubsetHistogramTask task{node_rows, features, hist};    // hist: SubsetHistogramSize(...)
//   BuildSubsetHistograms(ctx, view, 2, values, std::span(&task, 1));
//   // feature features[k]'s local bin b, pair p: hist[(o_k + b) * 2 + p], where o_k is the
//   // number of bins (missing bins included) of features[0..k)
//
// Layout: the listed features' bins one after the other, in list order, each with its
// missing bin (view.feature_offsets gives the widths); every bin holds `pairs` GradientSums.
// Sums are integers (kernels/common/gradient.h), so the result does not depend on the thread
// count or row order. Cost: O(rows x features x pairs) per task; histograms of the features a
// node does not try are never built (kernels/histogram.h builds every feature).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "grove/context.h"
#include "kernels/binned_view.h"
#include "kernels/common/gradient.h"

namespace grove {

struct SubsetHistogramTask {
  std::span<const std::uint32_t> rows;      ///< the node's rows (matrix indices)
  std::span<const std::uint32_t> features;  ///< features to build, any order
  std::span<GradientSum> histogram;         ///< SubsetHistogramSize entries, overwritten
  /// Optional: one bit per bin (bin i of the layout: word i / 64, bit i % 64), set for every
  /// bin a row falls in. With it the histogram must be all zero on entry (it is then not
  /// cleared, so a caller that resets only the touched bins avoids clearing every bin of small
  /// nodes), and the bits must be zero too.
  std::span<std::uint64_t> touched;
};

/// Words of a `touched` bitmap for a layout of `bins` bins (SubsetHistogramSize / pairs).
inline std::size_t TouchedWords(std::size_t bins) { return (bins + 63) / 64; }

/// Bins (missing bins included) of `features` in `view`, times `pairs`.
inline std::size_t SubsetHistogramSize(const BinnedView& view,
                                       std::span<const std::uint32_t> features,
                                       std::size_t pairs) {
  std::size_t bins = 0;
  for (const std::uint32_t f : features) {
    bins += view.feature_offsets[f + 1] - view.feature_offsets[f];
  }
  return bins * pairs;
}

/// `values`: rows x pairs fixed-point values, row-major (rows outside a task are ignored).
void BuildSubsetHistograms(const Context& ctx, const BinnedView& bins, std::size_t pairs,
                           std::span<const GradientSum> values,
                           std::span<const SubsetHistogramTask> tasks);

namespace cpu_impl {
void BuildSubsetHistograms(const Context& ctx, const BinnedView& bins, std::size_t pairs,
                           std::span<const GradientSum> values,
                           std::span<const SubsetHistogramTask> tasks);
}  // namespace cpu_impl

}  // namespace grove
