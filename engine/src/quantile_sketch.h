// engine/src/quantile_sketch.h — a mergeable weighted quantile summary (Greenwald-Khanna style,
// the weighted variant of XGBoost's WQSummary) and the block sketch of a whole matrix.
//
//   WeightedSummary a = WeightedSummary::FromSorted(sorted_values, weights);  // exact
//   WeightedSummary s = WeightedSummary::Merge(a, b).Prune(4097);  // error grows by W / 4096
//   float median = s.Query(0.5 * s.TotalWeight());
//   MatrixSketch sketch = SketchColumns(ctx, view, weights, /*max_bin=*/256);
//   HistogramCuts cuts = CutsFromSummaries(sketch.summaries, sketch.HasMissing(), 256);
//
// An entry (value, rmin, rmax, wmin) bounds the weighted ranks of `value` in the summarised data
// D: rmin <= W(x < value), rmax >= W(x <= value), wmin <= W(x == value). With W the total weight,
// a summary's error is the largest uncertainty it leaves between and at its entries:
//   MaxRankError() = max_i max(rmax_i - rmin_i - wmin_i,                  (within an entry)
//                              (rmax_{i+1} - wmin_{i+1}) - (rmin_i + wmin_i))  (between entries)
// Exact summaries have error 0. Merge adds the errors of its inputs (relative error: at most the
// larger one) and Prune(k) adds at most W / (k - 1). Query(d) returns a value v whose true rank
// interval [W(x < v), W(x <= v)] lies within MaxRankError() / 2 of d.
//
// Summaries are plain vectors of plain entries, so hosts can exchange and merge them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/src/matrix_view.h"
#include "engine/src/quantize.h"
#include "grove/context.h"

namespace grove {

struct SummaryEntry {
  double rmin = 0.0;  ///< lower bound on the weight of values < value
  double rmax = 0.0;  ///< upper bound on the weight of values <= value
  double wmin = 0.0;  ///< lower bound on the weight of values == value
  float value = 0.0f;

  /// Lower bound on the weight of values <= value.
  double RMinNext() const { return rmin + wmin; }
  /// Upper bound on the weight of values < value.
  double RMaxPrev() const { return rmax - wmin; }
  friend bool operator==(const SummaryEntry&, const SummaryEntry&) = default;
};

class WeightedSummary {
 public:
  WeightedSummary() = default;

  /// Exact summary of `values` (ascending, no NaN; duplicates are combined) with `weights`
  /// (same length, or empty for unit weights). O(n).
  static WeightedSummary FromSorted(std::span<const float> values, std::span<const float> weights);
  /// FromSorted into this summary, reusing its storage.
  void AssignSorted(std::span<const float> values, std::span<const float> weights);
  /// A summary from entries received elsewhere (another host). Throws InvalidInput unless the
  /// values strictly increase and every entry satisfies 0 <= rmin, rmin + wmin <= rmax, with
  /// rmin and rmax non-decreasing.
  static WeightedSummary FromEntries(std::vector<SummaryEntry> entries);

  /// Summary of the union of the data behind `a` and `b`. O(|a| + |b|).
  static WeightedSummary Merge(const WeightedSummary& a, const WeightedSummary& b);
  /// At most `max_entries` (>= 2) entries: the first, the last, and those nearest to evenly
  /// spaced ranks. Unchanged when already small enough. O(size).
  WeightedSummary Prune(std::size_t max_entries) const;

  /// Index of the entry chosen for weighted rank `rank` (see the header comment). Not empty.
  std::size_t QueryIndex(double rank) const;
  float Query(double rank) const { return entries_[QueryIndex(rank)].value; }

  /// Total weight of the summarised data (0 when empty).
  double TotalWeight() const { return entries_.empty() ? 0.0 : entries_.back().rmax; }
  /// Absolute rank error bound (see the header comment); 0 for exact summaries.
  double MaxRankError() const;

  std::span<const SummaryEntry> Entries() const { return entries_; }
  std::size_t Size() const { return entries_.size(); }
  bool Empty() const { return entries_.empty(); }
  friend bool operator==(const WeightedSummary&, const WeightedSummary&) = default;

 private:
  std::vector<SummaryEntry> entries_;
};

/// Default rows per sketch block. A matrix with at most this many rows is summarised exactly.
inline constexpr std::size_t kSketchBlockRows = 65536;

struct SketchOptions {
  /// Rows per block; blocks are summarised independently and merged in a fixed binary tree,
  /// so the result depends on this number but never on the thread count.
  std::size_t block_rows = kSketchBlockRows;
  /// Relative error bound of the final summaries (every MaxRankError() <= eps * W);
  /// 0 selects 1 / (16 * max_bin), i.e. cut ranks within W / (32 * max_bin) of their targets.
  double eps = 0.0;
};

/// Per-feature summaries of a matrix plus what is needed to merge sketches across hosts.
struct MatrixSketch {
  std::vector<WeightedSummary> summaries;  ///< one per feature
  std::vector<std::uint64_t> present;      ///< present (non-missing) values per feature
  std::uint64_t rows = 0;
  double eps = 0.0;  ///< relative error bound that every summary satisfies

  std::vector<std::uint8_t> HasMissing() const;
};

/// The sketch of `x` (weights: one per row or empty). +-inf are summarised as +-FLT_MAX and -0
/// as +0 (see quantize.h). Rows are cut into fixed blocks of `options.block_rows`; each block is
/// summarised exactly and pruned to k entries, and blocks are merged pairwise in a fixed tree,
/// pruning to k after every merge. With L = 1 + ceil(log2(blocks)) prune levels and
/// k = ceil(L / eps) + 1, the error is at most L * W / (k - 1) <= eps * W. A single block is
/// never pruned (exact). Parallel over blocks and features with ctx.Threads() threads.
/// Weights must already be validated (BuildCuts does it).
MatrixSketch SketchColumns(const Context& ctx, const MatrixView& x, std::span<const float> weights,
                           int max_bin, const SketchOptions& options = {});

/// Cut points from merged per-feature summaries: prune each to max_bin + 1 entries, take entries
/// 1 .. min(size, max_bin) - 1 as cuts and add one cut above the maximum (XGBoost's rule).
HistogramCuts CutsFromSummaries(std::span<const WeightedSummary> summaries,
                                std::span<const std::uint8_t> has_missing, int max_bin);

/// BuildCuts with explicit sketch options (tests use small blocks to force the sketch path).
HistogramCuts BuildCuts(const Context& ctx, const MatrixView& x, std::span<const float> weights,
                        int max_bin, const SketchOptions& options);

}  // namespace grove
