// [cuda] ROC and PR curves on the device (cuda_impl::RocCurvesOf, PrCurvesOf) against the CPU
// "auc" and "aucpr" metrics, binary and multi-class: the same bits for any weights and labels,
// since both run kernels/common/auc_math.h's sweeps over the same blocks (PR within 1e-12, for
// CUDA's log; exact on the emulation); and the first NaN score found, which the CPU metric
// refuses by row and class. Also compiled into cuda_emulated_tests, whose RocCurvesOf and
// PrCurvesOf run the device's block finding on the host.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "cuda_fixture.h"
#include "grove/metrics.h"
#include "kernels/cuda/kernels.h"
#include "tests/kernels/cuda_train_util.h"  // kCudaEmulated

using namespace grove;
using namespace grove::cuda_impl;

namespace {

// PR areas call log, which CUDA computes within 1 ulp of glibc: exact only on the emulation.
void CheckPr(double gpu, double cpu) {
  if (test::kCudaEmulated) {
    CHECK(gpu == cpu);
  } else {
    CHECK(gpu == Approx(cpu).epsilon(1e-12));
  }
}

}  // namespace

TEST_CASE("CUDA ROC and PR curves give the CPU's binary auc and aucpr", "[cuda]") {
  const bool weighted = GENERATE(false, true);
  // 41 levels: tie runs far longer than a 4,096-row block, so most blocks hold no run start;
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
  const DeviceRocCurves gpu = RocCurvesOf(stream.View(), d_scores.data(), 1, d_labels.data(),
                                          weighted ? d_weights.data() : nullptr, rows);
  CHECK_FALSE(gpu.nan_index.has_value());
  REQUIRE(gpu.curves.size() == 1);
  CHECK(FinishRoc(gpu.curves[0]) == cpu);  // the same sweep and block order as the host

  const double cpu_pr = CreateMetric("aucpr")->Evaluate(in);
  const DevicePrCurves gpu_pr = PrCurvesOf(stream.View(), d_scores.data(), 1, d_labels.data(),
                                           weighted ? d_weights.data() : nullptr, rows);
  CHECK_FALSE(gpu_pr.nan_index.has_value());
  REQUIRE(gpu_pr.areas.size() == 1);
  REQUIRE(gpu_pr.totals.size() == 1);
  CheckPr(FinishPr(gpu_pr.areas[0], gpu_pr.totals[0]), cpu_pr);
}

TEST_CASE("CUDA one-vs-rest curves give the CPU's multi-class auc and aucpr", "[cuda]") {
  const bool weighted = GENERATE(false, true);
  constexpr std::size_t kClasses = 4;
  const std::size_t rows = GENERATE(std::size_t{50}, std::size_t{70'000});
  std::mt19937_64 rng(rows * 3 + (weighted ? 1 : 0));
  std::vector<float> scores(rows * kClasses), labels(rows), weights;
  for (std::size_t i = 0; i < rows; ++i) {
    labels[i] = static_cast<float>(rng() % kClasses);
    for (std::size_t c = 0; c < kClasses; ++c) {  // ties within each column; a hint of the class
      const int level = static_cast<int>(rng() % 30) + (labels[i] == c ? 5 : 0);
      scores[i * kClasses + c] = static_cast<float>(level) / 35.0f;
    }
    if (weighted) weights.push_back(std::uniform_real_distribution<float>(0.1f, 3.0f)(rng));
  }
  MetricInput in;
  in.predictions = scores;
  in.labels = labels;
  in.weights = weights;
  in.num_outputs = kClasses;
  const double cpu = CreateMetric("auc")->Evaluate(in);
  const auto d_scores = test::ToDevice(scores);
  const auto d_labels = test::ToDevice(labels);
  const auto d_weights = test::ToDevice(weights);
  const Stream stream;
  const DeviceRocCurves curves =
      RocCurvesOf(stream.View(), d_scores.data(), kClasses, d_labels.data(),
                  weighted ? d_weights.data() : nullptr, rows);
  CHECK_FALSE(curves.nan_index.has_value());
  REQUIRE(curves.curves.size() == kClasses);
  OneVsRestRoc ovr;
  for (const RocCurve& curve : curves.curves) ovr.Add(curve);
  CHECK(ovr.Finish() == cpu);

  const double cpu_pr = CreateMetric("aucpr")->Evaluate(in);
  const DevicePrCurves pr = PrCurvesOf(stream.View(), d_scores.data(), kClasses, d_labels.data(),
                                       weighted ? d_weights.data() : nullptr, rows);
  CHECK_FALSE(pr.nan_index.has_value());
  REQUIRE(pr.areas.size() == kClasses);
  REQUIRE(pr.totals.size() == kClasses);
  double pr_sum = 0.0;
  for (std::size_t c = 0; c < kClasses; ++c) pr_sum += FinishPr(pr.areas[c], pr.totals[c]);
  CheckPr(pr_sum / kClasses, cpu_pr);
}

TEST_CASE("CUDA ROC curves find the first NaN score; one class gives NaN", "[cuda]") {
  std::vector<float> scores(100'000, 0.5f), labels(100'000, 1.0f);
  scores[70'001] = std::numeric_limits<float>::quiet_NaN();
  scores[40'000] = std::numeric_limits<float>::quiet_NaN();
  const auto d_scores = test::ToDevice(scores);
  const auto d_labels = test::ToDevice(labels);
  const Stream stream;
  const DeviceRocCurves with_nan =
      RocCurvesOf(stream.View(), d_scores.data(), 1, d_labels.data(), nullptr, scores.size());
  REQUIRE(with_nan.nan_index.has_value());
  CHECK(*with_nan.nan_index == 40'000);  // the row the CPU metric names
  CHECK(with_nan.curves.empty());
  MetricInput in;
  in.predictions = scores;
  in.labels = labels;
  CHECK_THROWS_WITH(CreateMetric("auc")->Evaluate(in), "auc: prediction at row 40000 is NaN");

  scores[70'001] = scores[40'000] = 0.25f;
  const auto d_clean = test::ToDevice(scores);
  const DeviceRocCurves one_class =
      RocCurvesOf(stream.View(), d_clean.data(), 1, d_labels.data(), nullptr, scores.size());
  CHECK_FALSE(one_class.nan_index.has_value());
  REQUIRE(one_class.curves.size() == 1);
  CHECK(std::isnan(FinishRoc(one_class.curves[0])));  // only positives: undefined, as on the CPU
  const DevicePrCurves one_class_pr =
      PrCurvesOf(stream.View(), d_clean.data(), 1, d_labels.data(), nullptr, scores.size());
  REQUIRE(one_class_pr.areas.size() == 1);
  CHECK(std::isnan(FinishPr(one_class_pr.areas[0], one_class_pr.totals[0])));
  const DevicePrCurves pr_nan =
      PrCurvesOf(stream.View(), d_scores.data(), 1, d_labels.data(), nullptr, 100'000);
  CHECK(pr_nan.nan_index == std::optional<std::size_t>(40'000));
  CHECK(pr_nan.areas.empty());

  // Two columns of 50,000 rows: the NaN index is row * 2 + column. Column 0, sorted first, has
  // a NaN at row 30,001; column 1 one at row 30,000, which comes first in row-major order and
  // is the one the CPU metric names.
  scores[60'001] = std::numeric_limits<float>::quiet_NaN();  // row 30,000, column 1
  scores[60'002] = std::numeric_limits<float>::quiet_NaN();  // row 30,001, column 0
  const auto d_two = test::ToDevice(scores);
  const DeviceRocCurves two =
      RocCurvesOf(stream.View(), d_two.data(), 2, d_labels.data(), nullptr, 50'000);
  REQUIRE(two.nan_index.has_value());
  CHECK(*two.nan_index == 60'001);
  CHECK(PrCurvesOf(stream.View(), d_two.data(), 2, d_labels.data(), nullptr, 50'000).nan_index ==
        std::optional<std::size_t>(60'001));
  MetricInput two_in;
  two_in.predictions = std::span(scores).first(100'000);
  two_in.labels = std::span(labels).first(50'000);
  two_in.num_outputs = 2;
  CHECK_THROWS_WITH(CreateMetric("auc")->Evaluate(two_in),
                    "auc: prediction at row 30000, class 1 is NaN");
}
