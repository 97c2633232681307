// tests/engine/train_test_util.h — small synthetic data sets for training tests.
#pragma once

#include <cmath>
#include <random>

#include "grove/dataset.h"

namespace grove::test {

/// Friedman #1 regression (Friedman 1991): y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4
/// + N(0, 1), x uniform in [0, 1]^10 (the last five features are noise).
inline DataSet Friedman1(std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 1.0);
  DataSet data;
  DenseMatrix x(rows, 10);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < 10; ++c) x.At(r, c) = static_cast<float>(u(rng));
    const double y = 10 * std::sin(M_PI * x.At(r, 0) * x.At(r, 1)) +
                     20 * (x.At(r, 2) - 0.5) * (x.At(r, 2) - 0.5) + 10 * x.At(r, 3) +
                     5 * x.At(r, 4) + noise(rng);
    data.labels.push_back(static_cast<float>(y));
  }
  data.features = std::move(x);
  data.schema = Schema::Numeric(10);
  return data;
}

/// Three Gaussian blobs in 4 dimensions with overlap: label = blob index.
inline DataSet Blobs(std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n01(0.0, 1.0);
  DataSet data;
  DenseMatrix x(rows, 4);
  const double centers[3][4] = {{0, 0, 0, 0}, {2, 1, 0, -1}, {-1, 2, 1, 1}};
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t k = r % 3;
    for (std::size_t c = 0; c < 4; ++c) {
      x.At(r, c) = static_cast<float>(centers[k][c] + 1.2 * n01(rng));
    }
    data.labels.push_back(static_cast<float>(k));
  }
  data.features = std::move(x);
  data.schema = Schema::Numeric(4);
  return data;
}

/// Sets a fraction of the feature values to missing (NaN), deterministically.
inline void InjectMissing(DataSet& data, double fraction, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto& x = std::get<DenseMatrix>(data.features);
  for (float& v : x.values) {
    if (u(rng) < fraction) v = kMissing;
  }
}

}  // namespace grove::test
