// [cuda] binary ROC AUC on the device (cuda_impl::BinaryRocAuc) against the CPU metric: the same
// bits for any weights and labels, since both run kernels/common/auc_math.h's sweep over the same
// blocks; and the first NaN score found, which the CPU metric refuses by row. Also compiled into
// cuda_emulated_tests, whose BinaryRocAuc runs the device's block finding on the host.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "cuda_fixture.h"
#include "grove/metrics.h"
#include "kernels/cuda/kernels.h"

using namespace grove;
using namespace grove::cuda_impl;

TEST_CASE("CUDA AUC equals the CPU metric bit for bit", "[cuda]") {
  const bool weighted = GENERATE(false, true);
  // 41 levels: tie runs far longer than a 16,384-row block, so most blocks hold no run start;
  // 0: every score distinct but a few.
  const int levels = GENERATE(41, 0);
  const std::size_t rows = GENERATE(std::size_t{7}, std::size_t{300'000});
  std::mt19937_64 rng(rows + (weighted ? 1 : 0) + static_cast<unsigned>(levels));
  std::vector<float> scores(rows), labels(rows), weights;
  for (std::size_t i = 0; i < rows; ++i) {
    // -0 and +0 among the scores; soft labels too, so that unweighted sums are not integers.
    const int level = levels > 0 ? static_cast<int>(rng() % levels) - levels / 2 : 0;
    scores[i] = levels == 0  ? std::uniform_real_distribution<float>(-4.0f, 4.0f)(rng)
                : level == 0 ? (rng() % 2 == 0 ? 0.0f : -0.0f)
                             : static_cast<float>(level) * 0.05f;
    const bool positive = (rng() % 100) < static_cast<unsigned>(50 + 2 * level);
    labels[i] = rng() % 10 == 0 ? 0.3f : (positive ? 1.0f : 0.0f);
    if (weighted) weights.push_back(std::uniform_real_distribution<float>(0.1f, 3.0f)(rng));
  }
  labels[0] = 1.0f;
  labels[1] = 0.0f;
  MetricInput in;
  in.predictions = scores;
  in.labels = labels;
  in.weights = weights;
  const double cpu = CreateMetric("auc")->Evaluate(in);
  const auto d_scores = test::ToDevice(scores);
  const auto d_labels = test::ToDevice(labels);
  const auto d_weights = test::ToDevice(weights);
  const Stream stream;
  const BinaryRocAucResult gpu = BinaryRocAuc(stream.View(), d_scores.data(), d_labels.data(),
                                              weighted ? d_weights.data() : nullptr, rows);
  CHECK_FALSE(gpu.nan_row.has_value());
  CHECK(gpu.value == cpu);  // the same sweep and block order as the host (auc_math.h)
}

TEST_CASE("CUDA AUC finds the first NaN score and gives NaN without both classes", "[cuda]") {
  std::vector<float> scores(100'000, 0.5f), labels(100'000, 1.0f);
  scores[70'001] = std::numeric_limits<float>::quiet_NaN();
  scores[40'000] = std::numeric_limits<float>::quiet_NaN();
  const auto d_scores = test::ToDevice(scores);
  const auto d_labels = test::ToDevice(labels);
  const Stream stream;
  const BinaryRocAucResult with_nan =
      BinaryRocAuc(stream.View(), d_scores.data(), d_labels.data(), nullptr, scores.size());
  REQUIRE(with_nan.nan_row.has_value());
  CHECK(*with_nan.nan_row == 40'000);  // the row the CPU metric names
  MetricInput in;
  in.predictions = scores;
  in.labels = labels;
  CHECK_THROWS_WITH(CreateMetric("auc")->Evaluate(in), "auc: prediction at row 40000 is NaN");

  scores[70'001] = scores[40'000] = 0.25f;
  const auto d_clean = test::ToDevice(scores);
  const BinaryRocAucResult one_class =
      BinaryRocAuc(stream.View(), d_clean.data(), d_labels.data(), nullptr, scores.size());
  CHECK_FALSE(one_class.nan_row.has_value());
  CHECK(std::isnan(one_class.value));  // only positives: undefined, as on the CPU
}
