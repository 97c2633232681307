// [cuda] r2's two passes and the class-decision metrics' class counts (kernels/cuda/metrics.cu's
// SumR2, SumR2Spread, CountClassRows) against the host metrics made by CreateMetric. Both
// sides add the same float weights and double terms in the same blocks and order, so the
// values must be equal bit for bit. Also built into cuda.emulated, whose CountClassRows counts
// one class at a time as the device does, where the host metric counts every class per row.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "cuda_fixture.h"
#include "grove/metrics.h"
#include "kernels/common/metric_math.h"
#include "kernels/cuda/kernels.h"
#include "metrics/row_form.h"

using namespace grove;
using namespace grove::cuda_impl;

namespace {

// The same double, NaN included.
bool SameValue(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

double HostValue(const Metric& metric, const std::vector<float>& predictions,
                 const std::vector<float>& labels, const std::vector<float>& weights,
                 std::size_t outputs) {
  MetricInput in;
  in.predictions = predictions;
  in.labels = labels;
  in.weights = weights;
  in.num_outputs = outputs;
  return metric.Evaluate(in);
}

// r2 from the device passes, as the evaluator finishes it.
double DeviceR2(const std::vector<float>& predictions, const std::vector<float>& labels,
                const std::vector<float>& weights) {
  const auto d_predictions = test::ToDevice(predictions);
  const auto d_labels = test::ToDevice(labels);
  const auto d_weights = test::ToDevice(weights);
  const float* w = weights.empty() ? nullptr : d_weights.data();
  const Stream stream;
  const std::size_t rows = labels.size();
  const R2Sums sums = SumR2(stream.View(), d_predictions.data(), d_labels.data(), w, rows);
  if (!R2Defined(rows, sums)) return std::numeric_limits<double>::quiet_NaN();
  return FinishR2(sums,
                  SumR2Spread(stream.View(), sums.label / sums.weight, d_labels.data(), w, rows));
}

ClassCounts DeviceCounts(const std::vector<float>& predictions, const std::vector<float>& labels,
                         const std::vector<float>& weights, std::size_t outputs) {
  const auto d_predictions = test::ToDevice(predictions);
  const auto d_labels = test::ToDevice(labels);
  const auto d_weights = test::ToDevice(weights);
  const Stream stream;
  return CountClassRows(stream.View(), d_predictions.data(), outputs, d_labels.data(),
                        weights.empty() ? nullptr : d_weights.data(), labels.size());
}

}  // namespace

TEST_CASE("CUDA r2 passes give the host r2's bits", "[cuda]") {
  const bool weighted = GENERATE(false, true);
  const std::size_t rows = 3 * kMetricBlockRows + 123;  // four blocks, the last one short
  std::mt19937_64 rng(weighted ? 11 : 12);
  std::normal_distribution<float> n(3.0f, 2.0f);
  std::uniform_real_distribution<float> u(0.0f, 2.0f);
  std::vector<float> predictions(rows), labels(rows), weights;
  for (std::size_t i = 0; i < rows; ++i) {
    labels[i] = n(rng);
    predictions[i] = labels[i] + 0.5f * n(rng) - 1.5f;
    if (weighted) weights.push_back(i % 17 == 0 ? 0.0f : u(rng));
  }
  const auto r2 = CreateMetric("r2");
  REQUIRE(DeviceFormOf(*r2).r2);
  const double cpu = HostValue(*r2, predictions, labels, weights, 1);
  const double gpu = DeviceR2(predictions, labels, weights);
  INFO("CPU " << cpu << ", GPU " << gpu);
  CHECK(cpu > 0.5);
  CHECK(gpu == cpu);

  // scikit-learn's edge cases: one row is NaN; constant labels give 1 for a perfect fit, else 0.
  CHECK(std::isnan(DeviceR2({1.0f}, {1.0f}, {})));
  CHECK(DeviceR2({2.0f, 2.0f, 2.0f}, {2.0f, 2.0f, 2.0f}, {}) == 1.0);
  CHECK(DeviceR2({2.0f, 1.0f, 2.0f}, {2.0f, 2.0f, 2.0f}, {}) == 0.0);
}

TEST_CASE("CUDA class counts of a hand-made set", "[cuda]") {
  // Labels 0 1 2 2 1, argmax classes 0 2 2 1 1 (row 3 ties classes 1 and 2: the first wins),
  // weights 1 2 3 4 5, class 3 in neither.
  const std::vector<float> predictions = {0.8f,  0.1f, 0.1f, 0.0f, 0.1f, 0.2f, 0.7f,
                                          0.0f,  0.2f, 0.2f, 0.6f, 0.0f, 0.1f, 0.45f,
                                          0.45f, 0.0f, 0.0f, 0.9f, 0.1f, 0.0f};
  const std::vector<float> labels = {0, 1, 2, 2, 1};
  const std::vector<float> weights = {1, 2, 3, 4, 5};
  const ClassCounts counts = DeviceCounts(predictions, labels, weights, 4);
  CHECK(counts.hit == std::vector<double>{1, 5, 3, 0});
  CHECK(counts.truth == std::vector<double>{1, 7, 7, 0});
  CHECK(counts.predicted == std::vector<double>{1, 9, 5, 0});
  CHECK(counts.seen == std::vector<std::uint8_t>{1, 1, 1, 0});
  // Macro precision over the 3 seen classes: (1/1 + 5/9 + 3/5) / 3.
  const auto precision = CreateMetric("precision_macro");
  CHECK(DeviceFormOf(*precision).class_counts(counts, 5) ==
        Approx((1.0 + 5.0 / 9.0 + 3.0 / 5.0) / 3.0).epsilon(1e-15));

  // One output: class 1 is p > 0.5.
  const ClassCounts binary =
      DeviceCounts({0.2f, 0.6f, 0.5f, 0.9f}, {0.0f, 0.0f, 1.0f, 1.0f}, {}, 1);
  CHECK(binary.hit == std::vector<double>{1, 1});
  CHECK(binary.truth == std::vector<double>{2, 2});
  CHECK(binary.predicted == std::vector<double>{2, 2});
}

TEST_CASE("CUDA class counts give the host class-decision metrics' bits", "[cuda]") {
  const std::size_t outputs = GENERATE(std::size_t{1}, std::size_t{4});
  const bool weighted = GENERATE(false, true);
  const std::size_t rows = 2 * kMetricBlockRows + 77;
  std::mt19937_64 rng(outputs * 2 + (weighted ? 1 : 0));
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> predictions(rows * outputs), labels(rows), weights;
  for (std::size_t i = 0; i < rows; ++i) {
    if (outputs == 1) {
      predictions[i] = u(rng);
      labels[i] = u(rng) < predictions[i] ? 1.0f : 0.0f;
    } else {
      // Class 3 is never a label, and is predicted only in a few rows; some rows tie.
      for (std::size_t j = 0; j < outputs; ++j) predictions[i * outputs + j] = u(rng);
      if (i % 50 != 0) predictions[i * outputs + 3] = 0.0f;
      if (i % 13 == 0) predictions[i * outputs + 1] = predictions[i * outputs];
      labels[i] = static_cast<float>(rng() % 3);
    }
    if (weighted) weights.push_back(i % 11 == 0 ? 0.0f : i % 29 == 0 ? -0.0f : 0.1f + 3 * u(rng));
  }
  std::vector<std::string> names = {
      "f1",           "f1_macro",     "precision_macro",  "precision_micro",
      "recall_macro", "recall_micro", "balanced_accuracy"};
  if (outputs == 1) {
    for (const char* binary : {"f1_binary", "precision", "recall"}) names.emplace_back(binary);
  }
  const ClassCounts counts = DeviceCounts(predictions, labels, weights, outputs);
  for (const std::string& name : names) {
    const auto metric = CreateMetric(name);
    const DeviceForm form = DeviceFormOf(*metric);
    REQUIRE(form.class_counts);
    const double cpu = HostValue(*metric, predictions, labels, weights, outputs);
    const double gpu = form.class_counts(counts, rows);
    INFO(name << (weighted ? " weighted" : "") << ", " << outputs << " outputs: CPU " << cpu
              << ", GPU " << gpu);
    CHECK(std::isfinite(cpu));
    CHECK(SameValue(gpu, cpu));
  }
  // No rows (precision, recall, f1: NaN) and all-zero weights.
  const auto f1 = CreateMetric("f1");
  CHECK(std::isnan(DeviceFormOf(*f1).class_counts(DeviceCounts({}, {}, {}, outputs), 0)));
  std::vector<float> zero(rows, 0.0f);
  CHECK(std::isnan(
      DeviceFormOf(*f1).class_counts(DeviceCounts(predictions, labels, zero, outputs), rows)));
}
