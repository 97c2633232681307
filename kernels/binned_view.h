// kernels/binned_view.h — the flat, device-agnostic description of a quantized matrix and its
// cut points that the histogram, split and partition kernels take (engine's BinnedMatrix and
// HistogramCuts hand these out; the kernels never see engine types).
#pragma once

#include <cstddef>
#include <cstdint>

namespace grove {

/// Row-major local bins (8- or 16-bit; exactly one of the pointers is set) plus the global
/// histogram offset of each feature.
struct BinnedView {
  const std::uint8_t* bins8 = nullptr;
  const std::uint16_t* bins16 = nullptr;
  std::size_t rows = 0;
  std::size_t features = 0;
  const std::uint32_t* feature_offsets = nullptr;  ///< features + 1 entries
  std::uint32_t total_bins = 0;
  /// Optional column-major copy (feature f's bins at f * rows), same width as the row-major
  /// bins; the partition kernel reads it when set.
  const std::uint8_t* cols8 = nullptr;
  const std::uint16_t* cols16 = nullptr;

  std::uint32_t LocalBin(std::size_t row, std::size_t f) const {
    return bins8 != nullptr ? bins8[row * features + f] : bins16[row * features + f];
  }
};

/// Cut values per feature: feature f's real bins are [cut_ptrs[f], cut_ptrs[f + 1]) of
/// cut_values (bin b holds c_{b-1} <= x < c_b); has_missing[f] adds a missing bin after them.
struct CutsView {
  const float* cut_values = nullptr;
  const std::uint32_t* cut_ptrs = nullptr;     ///< features + 1 entries
  const float* min_values = nullptr;           ///< per feature, below every training value
  const std::uint8_t* has_missing = nullptr;   ///< per feature
  const std::uint32_t* feature_offsets = nullptr;  ///< features + 1 global offsets
  std::size_t features = 0;

  std::uint32_t NumBins(std::size_t f) const { return cut_ptrs[f + 1] - cut_ptrs[f]; }
};

}  // namespace grove
