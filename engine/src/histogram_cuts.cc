// Cut points per feature: HistogramCuts and BuildCuts (XGBoost 1.7 `hist` semantics, see
// xgboost src/common/quantile.cc, `MakeCuts`).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/src/quantile_sketch.h"
#include "engine/src/quantize.h"
#include "grove/errors.h"

namespace grove {

namespace {

// A cut strictly above the maximum, computed in float exactly as XGBoost does, so that the
// maximum has a bin of its own. It overflows to +inf only for maxima above FLT_MAX / 2.
float CutAbove(float max_value) {
  return max_value + (std::fabs(max_value) + 1e-5f);
}

// XGBoost's `min_vals_`: below every training value (the split point of a default-left split
// that sends every present value right).
float ValueBelow(float min_value) {
  return min_value - std::fabs(min_value) - 1e-5f;
}

// XGBoost's min value for a feature without values.
constexpr float kEmptyFeatureMin = 1e-5f;

}  // namespace

HistogramCuts::HistogramCuts(std::vector<float> values, std::vector<std::uint32_t> ptrs,
                             std::vector<float> min_values, std::vector<std::uint8_t> has_missing)
    : values_(std::move(values)),
      ptrs_(std::move(ptrs)),
      min_values_(std::move(min_values)),
      has_missing_(std::move(has_missing)) {
  GROVE_CHECK(!ptrs_.empty() && ptrs_.front() == 0 && ptrs_.back() == values_.size(),
              fmt::format("cut pointers must run from 0 to {} values", values_.size()));
  GROVE_CHECK(min_values_.size() == NumFeatures() && has_missing_.size() == NumFeatures(),
              fmt::format("{} features, {} min values, {} missing flags", NumFeatures(),
                          min_values_.size(), has_missing_.size()));
  offsets_.assign(1, 0);
  offsets_.reserve(NumFeatures() + 1);
  std::uint64_t total = 0;
  for (std::size_t f = 0; f < NumFeatures(); ++f) {
    GROVE_CHECK(ptrs_[f] <= ptrs_[f + 1], fmt::format("cut pointers decrease at feature {}", f));
    const std::span<const float> cuts = Values(f);
    for (std::size_t i = 0; i < cuts.size(); ++i) {
      GROVE_CHECK(
          !std::isnan(cuts[i]) && (i == 0 || cuts[i - 1] < cuts[i]),
          fmt::format("cut values of feature {} must strictly increase (position {})", f, i));
    }
    total += NumBins(f) + (HasMissing(f) ? 1U : 0U);
    GROVE_CHECK(total <= std::numeric_limits<std::uint32_t>::max(),
                "more than 2^32 - 1 histogram bins in total");
    offsets_.push_back(static_cast<std::uint32_t>(total));
  }
}

std::uint32_t HistogramCuts::SearchBin(std::size_t f, float value) const {
  const std::uint32_t n = NumBins(f);
  GROVE_CHECK(n > 0, fmt::format("SearchBin on feature {}, which has no bins", f));
  const std::uint32_t bin = detail::UpperBoundCut(values_.data() + ptrs_[f], n, value);
  return bin == n ? n - 1 : bin;
}

std::uint32_t HistogramCuts::MaxBinsPerFeature() const {
  std::uint32_t most = 0;
  for (std::size_t f = 0; f < NumFeatures(); ++f) {
    most = std::max(most, NumBins(f) + (HasMissing(f) ? 1U : 0U));
  }
  return most;
}

HistogramCuts CutsFromSummaries(std::span<const WeightedSummary> summaries,
                                std::span<const std::uint8_t> has_missing, int max_bin) {
  GROVE_CHECK(summaries.size() == has_missing.size(),
              fmt::format("{} summaries, {} missing flags", summaries.size(), has_missing.size()));
  GROVE_CHECK(max_bin >= 2, fmt::format("max_bin {}", max_bin));
  const auto bins = static_cast<std::size_t>(max_bin);
  std::vector<float> values;
  std::vector<std::uint32_t> ptrs{0};
  std::vector<float> min_values;
  for (const WeightedSummary& summary : summaries) {
    if (summary.Empty()) {
      // No present value: no real bin (XGBoost keeps one empty bin here).
      min_values.push_back(kEmptyFeatureMin);
    } else {
      // max_bin + 1 entries: the minimum, which is no cut (every value >= it falls in bin 0
      // or later), then max_bin - 1 cuts; the last entry is replaced by the cut above it.
      const WeightedSummary pruned = summary.Prune(bins + 1);
      const std::span<const SummaryEntry> entries = pruned.Entries();
      const std::size_t begin = values.size();
      for (std::size_t i = 1; i < std::min(entries.size(), bins); ++i) {
        values.push_back(entries[i].value);
      }
      const float above = CutAbove(entries.back().value);
      if (values.size() == begin || values.back() < above) values.push_back(above);
      min_values.push_back(ValueBelow(entries.front().value));
    }
    ptrs.push_back(static_cast<std::uint32_t>(values.size()));
  }
  return HistogramCuts(std::move(values), std::move(ptrs), std::move(min_values),
                       std::vector<std::uint8_t>(has_missing.begin(), has_missing.end()));
}

namespace {

void ValidateCutInputs(const MatrixView& x, std::span<const float> weights, int max_bin) {
  if (max_bin < 2 || max_bin > 65535) {
    throw InvalidInput(fmt::format(
        "max_bin: got {}, expected an integer from 2 to 65535 (256 keeps bins in 8 bits)",
        max_bin));
  }
  if (x.rows == 0) {
    throw InvalidInput("cannot compute cut points (max_bin) from a training matrix with 0 rows");
  }
  if (!weights.empty() && weights.size() != x.rows) {
    throw InvalidInput(
        fmt::format("weights: got {} weights for {} rows; expected one weight per row or none",
                    weights.size(), x.rows));
  }
  for (std::size_t r = 0; r < weights.size(); ++r) {
    if (!(weights[r] >= 0.0f) || std::isinf(weights[r])) {
      throw InvalidInput(fmt::format("weights: row {} has weight {}; expected a finite number >= 0",
                                     r, weights[r]));
    }
  }
  const std::uint64_t most_bins = x.cols * (static_cast<std::uint64_t>(max_bin) + 1);
  if (most_bins > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidInput(
        fmt::format("max_bin: {} bins for each of {} features can exceed 2^32 - 1 histogram bins; "
                    "lower max_bin",
                    max_bin, x.cols));
  }
}

}  // namespace

HistogramCuts BuildCuts(const Context& ctx, const MatrixView& x, std::span<const float> weights,
                        int max_bin, const SketchOptions& options) {
  ValidateCutInputs(x, weights, max_bin);
  const MatrixSketch sketch = SketchColumns(ctx, x, weights, max_bin, options);
  return CutsFromSummaries(sketch.summaries, sketch.HasMissing(), max_bin);
}

HistogramCuts BuildCuts(const Context& ctx, const MatrixView& x, std::span<const float> weights,
                        int max_bin) {
  return BuildCuts(ctx, x, weights, max_bin, SketchOptions{});
}

}  // namespace grove
