// kernels/common/impurity_scan.h — the random-forest split search of one (node, feature), shared
// by the CPU kernel (kernels/cpu/impurity_split.cc) and the CUDA kernel (kernels/cuda/forest.cu),
// so that both try the same candidates with the same arithmetic and pick the same split.
//
//   ImpurityScanParams p = ImpurityScanParamsOf(...);      // kernels/impurity_split.h
//   double parent = WeightedImpurity(p.criterion, StatsOfSums(p, node_sum), p.classes);
//   auto next = [&] { return next non-empty bin of the feature, ascending, or kScanEnd; };
//   bool constant = ScanImpurityFeature<0>(p, cuts, f, hist, node_sum, parent, next,
//                                          node_has_missing, best);
//
// `hist` is the feature's slice of a subset histogram: its bins, then its missing bin, each
// `pairs` GradientSums. Candidates, in order: every boundary between two consecutive non-empty
// bins (the threshold bin in the middle of the empty bins between them) with missing values sent
// right, then left; then, when the node has missing values, "missing alone on the left". A
// candidate needs positive weight on both sides, the minimum leaf weight and (with a count
// channel) the minimum leaf count; strictly larger weighted impurity decreases win, so ties keep
// the first candidate. The feature is constant when its present non-empty bins plus the missing
// bin (if the node has missing values) number at most one; `best` is then untouched.
#pragma once

#include <cstdint>

#include "kernels/binned_view.h"
#include "kernels/common/gradient.h"
#include "kernels/common/impurity_math.h"
#include "kernels/split.h"

namespace grove {

/// "No further non-empty bin" for the scan's bin cursor.
inline constexpr std::uint32_t kScanEnd = 0xFFFFFFFFu;
/// Pairs of channels a layout may have (NodeStats::kMaxChannels channels).
inline constexpr int kMaxImpurityPairs = NodeStats::kMaxChannels / 2;

/// An ImpurityLayout and its ImpurityRules by value, as a kernel argument.
struct ImpurityScanParams {
  Criterion criterion = Criterion::kGini;
  int classes = 0;  ///< classification: classes; regression: 0
  int channels = 0;
  int stat_channels = 0;  ///< channels without the count channel
  bool has_count = false;
  int pairs = 0;
  /// 1 / scale of each channel: scales are powers of two, so this is exact (= Grad / Hess).
  double inverse_scale[NodeStats::kMaxChannels] = {};
  double min_leaf_count = 1.0;
  double min_leaf_weight = 0.0;
};

/// Node statistics of `pairs` fixed-point sums. kChannels: the channel count when known at
/// compile time (0: p.channels).
template <int kChannels = 0>
GROVE_HOST_DEVICE inline void FillStats(const ImpurityScanParams& p, const GradientSum* sums,
                                        NodeStats& s) {
  const int channels = kChannels != 0 ? kChannels : p.channels;
  for (int c = 0; c < channels; ++c) {
    const GradientSum& pair = sums[c / 2];
    const double v = static_cast<double>(c % 2 == 0 ? pair.grad : pair.hess) * p.inverse_scale[c];
    if (c < p.stat_channels) {
      s.w[c] = v;
    } else {
      s.count = v;
    }
  }
}

GROVE_HOST_DEVICE inline bool EmptyBin(const GradientSum* bin, int pairs) {
  for (int k = 0; k < pairs; ++k) {
    if (bin[k].grad != 0 || bin[k].hess != 0) return false;
  }
  return true;
}

namespace detail {

// One candidate: `left` holds the left child's sums.
template <int kChannels>
GROVE_HOST_DEVICE inline void TryImpuritySplit(const ImpurityScanParams& p,
                                               const GradientSum* node_sum, double parent,
                                               const GradientSum* left, std::uint32_t f,
                                               std::uint32_t split_bin, bool missing_left,
                                               SplitCandidate& best) {
  const int pairs = kChannels != 0 ? (kChannels + 1) / 2 : p.pairs;
  GradientSum right[kMaxImpurityPairs];
  for (int k = 0; k < pairs; ++k) right[k] = node_sum[k] - left[k];
  NodeStats l;
  NodeStats r;
  FillStats<kChannels>(p, left, l);
  FillStats<kChannels>(p, right, r);
  const int classes = kChannels != 0 && p.classes != 0 ? kChannels : p.classes;
  const double wl = TotalWeight(p.criterion, l, classes);
  const double wr = TotalWeight(p.criterion, r, classes);
  if (!(wl > 0.0) || !(wr > 0.0)) return;
  if (wl < p.min_leaf_weight || wr < p.min_leaf_weight) return;
  if (p.has_count && (l.count < p.min_leaf_count || r.count < p.min_leaf_count)) return;
  const double decrease = parent - WeightedImpurity(p.criterion, l, classes) -
                          WeightedImpurity(p.criterion, r, classes);
  if (!(decrease > best.loss_change)) return;
  best.loss_change = decrease;
  best.feature = static_cast<std::int32_t>(f);
  best.split_bin = split_bin;
  best.missing_left = missing_left;
}

}  // namespace detail

/// The scan described above. `next()` yields the feature's non-empty present bins in ascending
/// order, then kScanEnd. Returns whether the feature is constant in the node. On a valid split
/// `best.threshold` is the cut value of its bin (the feature's minimum for "missing alone").
template <int kChannels, class NextBin>
GROVE_HOST_DEVICE inline bool ScanImpurityFeature(const ImpurityScanParams& p, const CutsView& cuts,
                                                  std::uint32_t f, const GradientSum* hist,
                                                  const GradientSum* node_sum, double parent,
                                                  NextBin&& next, bool node_has_missing,
                                                  SplitCandidate& best) {
  const int pairs = kChannels != 0 ? (kChannels + 1) / 2 : p.pairs;
  const std::uint32_t bins = cuts.cut_ptrs[f + 1] - cuts.cut_ptrs[f];
  const GradientSum* missing = hist + static_cast<std::size_t>(bins) * pairs;
  GradientSum left[kMaxImpurityPairs];
  for (int k = 0; k < pairs; ++k) left[k] = GradientSum{};
  std::uint32_t nonempty = 0;
  std::uint32_t previous = kScanEnd;
  for (std::uint32_t b = next(); b != kScanEnd; b = next()) {
    ++nonempty;
    if (previous != kScanEnd) {
      // left holds the bins up to `previous`: the boundary between previous and b.
      const std::uint32_t split_bin = (previous + b - 1) / 2;
      detail::TryImpuritySplit<kChannels>(p, node_sum, parent, left, f, split_bin, false, best);
      if (node_has_missing) {
        for (int k = 0; k < pairs; ++k) left[k] += missing[k];
        detail::TryImpuritySplit<kChannels>(p, node_sum, parent, left, f, split_bin, true, best);
        for (int k = 0; k < pairs; ++k) left[k] -= missing[k];
      }
    }
    const GradientSum* bin = hist + static_cast<std::size_t>(b) * pairs;
    for (int k = 0; k < pairs; ++k) left[k] += bin[k];
    previous = b;
  }
  if (nonempty + (node_has_missing ? 1U : 0U) <= 1) return true;
  if (node_has_missing && nonempty > 0) {
    for (int k = 0; k < pairs; ++k) left[k] = missing[k];
    detail::TryImpuritySplit<kChannels>(p, node_sum, parent, left, f, SplitCandidate::kNoBinLeft,
                                        true, best);
  }
  if (best.feature >= 0) {
    best.threshold = best.split_bin == SplitCandidate::kNoBinLeft
                         ? cuts.min_values[f]
                         : cuts.cut_values[cuts.cut_ptrs[f] + best.split_bin];
  }
  return false;
}

}  // namespace grove
