// [cuda] prediction over flat trees and prediction-cache updates, compared with
// cpu_impl::PredictMargins and the booster's cache loop (the device AUC: cuda_auc_test.cc).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>

#include "cuda_fixture.h"
#include "kernels/cuda/kernels.h"
#include "kernels/predict.h"

using namespace grove;
using namespace grove::cuda_impl;

namespace {

struct RandomTree {
  std::vector<std::int32_t> left, right;
  std::vector<std::uint32_t> feature;
  std::vector<float> threshold, value;
  std::vector<std::uint8_t> default_left;
  std::vector<float> leaf_vector;

  RandomTree(std::mt19937_64& rng, std::size_t cols, int max_depth, std::size_t leaf_size) {
    Grow(rng, cols, max_depth);
    std::uniform_real_distribution<float> v(-1.0f, 1.0f);
    for (std::size_t i = 0; i < left.size() * leaf_size; ++i) leaf_vector.push_back(v(rng));
  }

  std::int32_t Grow(std::mt19937_64& rng, std::size_t cols, int depth) {
    const auto id = static_cast<std::int32_t>(left.size());
    std::uniform_real_distribution<float> u(-2.0f, 2.0f);
    left.push_back(-1);
    right.push_back(-1);
    feature.push_back(static_cast<std::uint32_t>(rng() % cols));
    threshold.push_back(u(rng));
    value.push_back(u(rng) * 0.1f);
    default_left.push_back(static_cast<std::uint8_t>(rng() % 2));
    if (depth > 0 && rng() % 5 != 0) {
      const std::int32_t l = Grow(rng, cols, depth - 1);
      const std::int32_t r = Grow(rng, cols, depth - 1);
      left[id] = l;
      right[id] = r;
    }
    return id;
  }

  cpu_impl::PredictTree View(std::int32_t group, std::uint32_t leaf_size) const {
    return cpu_impl::PredictTree{left,  right,     feature,     threshold, default_left,
                                 value, leaf_size, leaf_vector, group};
  }
};

std::vector<float> RandomMatrix(std::mt19937_64& rng, std::size_t rows, std::size_t cols) {
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  std::vector<float> x(rows * cols);
  for (float& v : x) v = rng() % 10 == 0 ? std::numeric_limits<float>::quiet_NaN() : u(rng);
  return x;
}

}  // namespace

TEST_CASE("CUDA prediction equals the CPU's bit for bit", "[cuda]") {
  const std::size_t outputs = GENERATE(std::size_t{1}, std::size_t{3});
  const bool vectors = GENERATE(false, true);
  std::mt19937_64 rng(outputs * 10 + (vectors ? 1 : 0));
  const std::size_t rows = 20'000, cols = 12;
  std::vector<RandomTree> forest;
  std::vector<cpu_impl::PredictTree> trees;
  for (int t = 0; t < 60; ++t) forest.emplace_back(rng, cols, 8, vectors ? outputs : 0);
  for (std::size_t t = 0; t < forest.size(); ++t) {
    trees.push_back(forest[t].View(static_cast<std::int32_t>(t % outputs),
                                   vectors ? static_cast<std::uint32_t>(outputs) : 0));
  }
  const std::vector<float> x = RandomMatrix(rng, rows, cols);
  std::vector<float> base(outputs);
  for (std::size_t j = 0; j < outputs; ++j) base[j] = 0.25f * static_cast<float>(j) - 0.5f;
  std::vector<float> cpu(rows * outputs);
  cpu_impl::PredictMargins(trees, cpu_impl::PredictInput::Dense(x.data(), rows, cols), base, 2,
                           cpu);

  const DeviceForest d_forest = UploadForest(FlattenForest(trees, cols, outputs));
  const auto d_x = test::ToDevice(x);
  const auto d_base = test::ToDevice(base);
  DeviceBuffer<float> d_out(rows * outputs);
  const Stream stream;
  PredictMargins(stream.View(), d_forest, d_x.data(), rows, cols, cols, d_base.data(),
                 d_out.data());
  stream.Synchronize();
  const std::vector<float> gpu = d_out.ToHost();
  REQUIRE(gpu.size() == cpu.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < cpu.size(); ++i)
    differ += std::memcmp(&gpu[i], &cpu[i], sizeof(float)) != 0;
  CHECK(differ == 0);
}

TEST_CASE("CUDA prediction-cache updates equal the booster's loops", "[cuda]") {
  std::mt19937_64 rng(5);
  const std::size_t rows = 10'000;
  const int outputs = 3, output = 1;
  std::vector<std::uint32_t> index(rows);
  std::iota(index.begin(), index.end(), 0U);
  std::shuffle(index.begin(), index.end(), rng);
  std::vector<LeafSegment> leaves = {
      {0, 4'000, 0.125f}, {4'000, 4'001, -0.3f}, {4'001, 9'000, 1e-3f}, {9'000, 10'000, -2.5f}};
  std::vector<float> margins(rows * outputs);
  for (float& m : margins) m = std::uniform_real_distribution<float>(-1, 1)(rng);
  std::vector<float> cpu = margins;
  for (const LeafSegment& leaf : leaves) {
    for (std::uint32_t k = leaf.begin; k < leaf.end; ++k)
      cpu[index[k] * outputs + output] += leaf.value;
  }
  const auto d_index = test::ToDevice(index);
  auto d_margins = test::ToDevice(margins);
  const Stream stream;
  UpdatePredictionCache(stream.View(), d_index.data(), leaves, outputs, output, d_margins.data());
  stream.Synchronize();
  CHECK(d_margins.ToHost() == cpu);

  std::vector<float> contribution(rows * outputs);
  for (float& c : contribution) c = std::uniform_real_distribution<float>(-1, 1)(rng);
  const auto d_contribution = test::ToDevice(contribution);
  AddColumn(stream.View(), d_contribution.data(), rows, outputs, 2, d_margins.data());
  stream.Synchronize();
  for (std::size_t r = 0; r < rows; ++r) cpu[r * outputs + 2] += contribution[r * outputs + 2];
  CHECK(d_margins.ToHost() == cpu);
}
