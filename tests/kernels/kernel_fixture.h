// tests/kernels/kernel_fixture.h — a small random quantized matrix, with views for kernels.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/binned_view.h"
#include "kernels/common/gradient.h"

namespace grove::test {

struct BinnedFixture {
  std::size_t rows = 0;
  std::size_t features = 0;
  std::vector<std::uint32_t> bins_per_feature;  // real bins (+1 missing bin when has_missing)
  std::vector<std::uint8_t> has_missing;
  std::vector<std::uint32_t> offsets;
  std::vector<std::uint8_t> bins8;
  std::vector<std::uint16_t> bins16;
  std::vector<float> cut_values;
  std::vector<std::uint32_t> cut_ptrs;
  std::vector<float> min_values;
  std::vector<GradientSum> gradients;

  BinnedFixture(std::size_t n, std::size_t f, std::uint32_t max_bins, bool wide,
                std::uint64_t seed)
      : rows(n), features(f) {
    std::mt19937_64 rng(seed);
    offsets.push_back(0);
    cut_ptrs.push_back(0);
    for (std::size_t j = 0; j < f; ++j) {
      const auto bins = static_cast<std::uint32_t>(1 + rng() % max_bins);
      bins_per_feature.push_back(bins);
      has_missing.push_back(j % 3 == 1 ? 1 : 0);
      offsets.push_back(offsets.back() + bins + has_missing.back());
      for (std::uint32_t b = 0; b < bins; ++b) cut_values.push_back(static_cast<float>(b) + 0.5f);
      cut_ptrs.push_back(static_cast<std::uint32_t>(cut_values.size()));
      min_values.push_back(-1.0f);
    }
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t j = 0; j < f; ++j) {
        const std::uint32_t total = bins_per_feature[j] + has_missing[j];
        const auto bin = static_cast<std::uint32_t>(rng() % total);
        if (wide) {
          bins16.push_back(static_cast<std::uint16_t>(bin));
        } else {
          bins8.push_back(static_cast<std::uint8_t>(bin));
        }
      }
      gradients.push_back(GradientSum{static_cast<std::int64_t>(rng() % 2001) - 1000,
                                      static_cast<std::int64_t>(1 + rng() % 1000)});
    }
  }

  BinnedView View() const {
    BinnedView v;
    v.bins8 = bins8.empty() ? nullptr : bins8.data();
    v.bins16 = bins16.empty() ? nullptr : bins16.data();
    v.rows = rows;
    v.features = features;
    v.feature_offsets = offsets.data();
    v.total_bins = offsets.back();
    return v;
  }
  CutsView Cuts() const {
    CutsView c;
    c.cut_values = cut_values.data();
    c.cut_ptrs = cut_ptrs.data();
    c.min_values = min_values.data();
    c.has_missing = has_missing.data();
    c.feature_offsets = offsets.data();
    c.features = features;
    return c;
  }
};

}  // namespace grove::test
