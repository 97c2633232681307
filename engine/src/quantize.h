// engine/src/quantize.h — cut points per feature and the quantized (binned) training matrix.
//
//   HistogramCuts cuts = BuildCuts(ctx, MatrixView::Of(train), weights, /*max_bin=*/256);
//   BinnedMatrix bins = BinnedMatrix::Build(ctx, MatrixView::Of(train), cuts);
//   std::uint32_t b = bins.GlobalBin(row, feature);   // index into a node histogram
//
// Bin semantics (XGBoost's `hist`): feature f has cut values c_0 < c_1 < ... < c_{m-1}
// (`cuts.Values(f)`); a present value x falls in the first bin b with x < c_b, and the last cut
// lies above the feature's maximum, so every training value has a bin. A split "after bin b"
// sends x < c_b left, so the float threshold stored in a tree is c_b. A feature that has missing
// values in the training data gets one extra bin, local index m (`MissingBin(f)`), so missing
// statistics are summed exactly like any other bin. Global bin index = FeatureOffset(f) + local.
//
// Storage: row-major rows x features, 8-bit when every feature's bins (+ missing) fit in 256
// values, 16-bit otherwise. Building is parallel and its result does not depend on threads.
//
// Cut points (engine/src/quantile_sketch.h has the sketch): with k distinct present values
// v_0 < ... < v_{k-1} and k <= max_bin, the cuts are v_1, ..., v_{k-1} and
// v_{k-1} + (|v_{k-1}| + 1e-5) (float), one bin per value; with more, max_bin - 1 cuts at
// evenly spaced weighted ranks (XGBoost's choice rule) plus that last cut. Inputs of at most
// kSketchBlockRows (65,536) rows are summarised exactly; larger ones by the mergeable sketch,
// whose cuts lie within W / (32 * max_bin) of their target weighted rank (W: total weight),
// i.e. within 1/32 of a bin. MinValue(f) = v_0 - |v_0| - 1e-5. A feature without present
// values has no real bin (MinValue 1e-5 as in XGBoost, which keeps one empty bin).
// Zero-weight values still get bins (they count as values but carry no rank weight; XGBoost
// drops them). Infinities: +-inf are binned as +-FLT_MAX, so cuts are finite except a last cut
// that overflows to +inf when the maximum is above FLT_MAX / 2 (e.g. +inf); +inf then lands in
// the last bin through the clamp in SearchBin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/src/matrix_view.h"
#include "grove/context.h"

namespace grove {

class HistogramCuts {
 public:
  HistogramCuts() = default;
  /// `values`: all features' cut values concatenated; `ptrs`: size features + 1 offsets;
  /// `min_values`: per feature, a value below every training value (XGBoost stores it too);
  /// `has_missing`: per feature, whether the training data had a missing value.
  HistogramCuts(std::vector<float> values, std::vector<std::uint32_t> ptrs,
                std::vector<float> min_values, std::vector<std::uint8_t> has_missing);

  std::size_t NumFeatures() const { return ptrs_.size() - 1; }
  /// Real (non-missing) bins of feature f: the number of its cut values.
  std::uint32_t NumBins(std::size_t f) const { return ptrs_[f + 1] - ptrs_[f]; }
  bool HasMissing(std::size_t f) const { return has_missing_[f] != 0; }
  /// Local index of f's missing bin (== NumBins(f)); meaningful only when HasMissing(f).
  std::uint32_t MissingBin(std::size_t f) const { return NumBins(f); }
  /// First global histogram index of feature f; TotalBins() is the histogram length.
  std::uint32_t FeatureOffset(std::size_t f) const { return offsets_[f]; }
  std::uint32_t TotalBins() const { return offsets_.back(); }
  std::span<const float> Values(std::size_t f) const {
    return {values_.data() + ptrs_[f], NumBins(f)};
  }
  float MinValue(std::size_t f) const { return min_values_[f]; }
  /// Local bin of a present value (upper_bound over f's cuts, clamped to the last bin).
  /// Requires NumBins(f) > 0 (true for every feature with a present training value).
  std::uint32_t SearchBin(std::size_t f, float value) const;
  /// The largest NumBins(f) + HasMissing(f) over features: 256 or less allows 8-bit storage.
  std::uint32_t MaxBinsPerFeature() const;

  const std::vector<float>& AllValues() const { return values_; }
  const std::vector<std::uint32_t>& Ptrs() const { return ptrs_; }
  const std::vector<float>& MinValues() const { return min_values_; }
  const std::vector<std::uint8_t>& MissingFlags() const { return has_missing_; }
  /// FeatureOffset(f) for every f, plus TotalBins() at the end.
  const std::vector<std::uint32_t>& Offsets() const { return offsets_; }
  friend bool operator==(const HistogramCuts&, const HistogramCuts&) = default;

 private:
  std::vector<float> values_;
  std::vector<std::uint32_t> ptrs_{0};
  std::vector<float> min_values_;
  std::vector<std::uint8_t> has_missing_;
  std::vector<std::uint32_t> offsets_{0};  // features + 1 global offsets, missing bins included
};

/// Weighted quantile cut points, at most `max_bin` real bins per feature. `weights` may be
/// empty (unit weights). Exact for small inputs; for large inputs a mergeable weighted quantile
/// summary (so that distributed workers can merge their sketches later), built over fixed row
/// blocks merged in a fixed order so that the cuts never depend on the thread count.
/// Throws InvalidInput for max_bin outside [2, 65535], a matrix with 0 rows, or weights that
/// are not one finite value >= 0 per row.
HistogramCuts BuildCuts(const Context& ctx, const MatrixView& x, std::span<const float> weights,
                        int max_bin);

class BinnedMatrix {
 public:
  /// `cuts` must come from `x` (BuildCuts) and outlive the result. Throws InvalidInput when
  /// x.cols != cuts.NumFeatures() or when x has a missing (present) value in a feature whose
  /// cuts have no missing bin (no bins).
  static BinnedMatrix Build(const Context& ctx, const MatrixView& x, const HistogramCuts& cuts);

  std::size_t Rows() const { return rows_; }
  std::size_t Features() const { return features_; }
  bool IsNarrow() const { return narrow_; }  ///< 8-bit local bins
  /// Row-major local bins: row r's bins start at r * Features().
  const std::uint8_t* Bins8() const { return bins8_.data(); }
  const std::uint16_t* Bins16() const { return bins16_.data(); }
  std::uint32_t LocalBin(std::size_t row, std::size_t f) const {
    return narrow_ ? bins8_[row * features_ + f] : bins16_[row * features_ + f];
  }
  std::uint32_t GlobalBin(std::size_t row, std::size_t f) const {
    return cuts_->FeatureOffset(f) + LocalBin(row, f);
  }
  /// Column-major copy of the same bins: feature f's bins start at f * Rows(). The row
  /// partition reads one feature of a node's rows, which are ascending; in this layout those
  /// reads share cache lines instead of touching one line per row.
  const std::uint8_t* Columns8() const { return cols8_.data(); }
  const std::uint16_t* Columns16() const { return cols16_.data(); }
  const HistogramCuts& Cuts() const { return *cuts_; }
  std::size_t MemoryBytes() const {
    return bins8_.size() + cols8_.size() + (bins16_.size() + cols16_.size()) * 2;
  }

 private:
  const HistogramCuts* cuts_ = nullptr;
  std::size_t rows_ = 0;
  std::size_t features_ = 0;
  bool narrow_ = true;
  std::vector<std::uint8_t> bins8_;
  std::vector<std::uint16_t> bins16_;
  std::vector<std::uint8_t> cols8_;
  std::vector<std::uint16_t> cols16_;
};

namespace detail {
/// First i in [0, n) with value < cuts[i], n when none (n >= 1), without data-dependent
/// branches: the binary search the binning loops run for every value.
inline std::uint32_t UpperBoundCut(const float* cuts, std::uint32_t n, float value) {
  std::uint32_t base = 0;
  std::uint32_t length = n;
  while (length > 1) {
    const std::uint32_t half = length / 2;
    base = value < cuts[base + half] ? base : base + half;
    length -= half;
  }
  return base + (value < cuts[base] ? 0U : 1U);
}
}  // namespace detail

}  // namespace grove
