// [cuda] the evaluation kernels (kernels/cuda/metrics.cu, predict.cu's AddTreeMargins) against
// their host twins: cpu_impl::TransformMargins, the metrics made by CreateMetric, and
// cpu_impl::PredictMargins added to a margin cache. Terms built from + - * / fabs sqrt are
// correctly rounded on both sides and summed in the same blocks and order, so their metrics
// are equal; terms that call log, exp or lgamma (CUDA's double versions are within 1-2 ulp)
// agree within a relative 1e-12, and expf-based transforms within 4 float ulp.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "cuda_fixture.h"
#include "grove/context.h"
#include "grove/metrics.h"
#include "kernels/cuda/forest_layout.h"
#include "kernels/cuda/kernels.h"
#include "kernels/gradient.h"
#include "kernels/predict.h"
#include "metrics/row_form.h"

using namespace grove;
using namespace grove::cuda_impl;

namespace {

// |a - b| in units of the last place of a (floats).
double Ulps(float a, float b) {
  if (a == b) return 0.0;
  const float ulp =
      std::nextafter(std::fabs(a), std::numeric_limits<float>::infinity()) - std::fabs(a);
  return std::fabs(static_cast<double>(a) - b) / ulp;
}

}  // namespace

TEST_CASE("CUDA output transforms equal cpu_impl::TransformMargins", "[cuda]") {
  struct Case {
    ObjectiveKind kind;
    int num_class;
    double max_ulps;
  };
  const Case c =
      GENERATE(Case{ObjectiveKind::kSquaredError, 1, 0.0}, Case{ObjectiveKind::kHinge, 1, 0.0},
               Case{ObjectiveKind::kLogistic, 1, 4.0}, Case{ObjectiveKind::kPoisson, 1, 4.0},
               Case{ObjectiveKind::kSoftmax, 4, 4.0});
  ObjectiveMath math;
  math.kind = c.kind;
  math.num_class = c.num_class;
  const std::size_t rows = 70'001;
  std::mt19937_64 rng(static_cast<std::uint64_t>(c.kind) + 1);
  std::uniform_real_distribution<float> u(-12.0f, 12.0f);
  std::vector<float> margins(rows * static_cast<std::size_t>(c.num_class));
  for (float& m : margins) m = u(rng);
  margins[0] = 100.0f;  // the sigmoid's clamp
  margins[1] = -100.0f;
  std::vector<float> cpu = margins;
  Context ctx;
  cpu_impl::TransformMargins(ctx, math, cpu);

  const auto d_margins = test::ToDevice(margins);
  DeviceBuffer<float> d_out(margins.size());
  const Stream stream;
  TransformMargins(stream.View(), math, d_margins.data(), rows, d_out.data());
  stream.Synchronize();
  const std::vector<float> gpu = d_out.ToHost();
  double worst = 0.0;
  for (std::size_t i = 0; i < cpu.size(); ++i) worst = std::max(worst, Ulps(cpu[i], gpu[i]));
  CHECK(worst <= c.max_ulps);

  // In place (d_out == d_margins), as the evaluator may call it.
  auto d_inplace = test::ToDevice(margins);
  TransformMargins(stream.View(), math, d_inplace.data(), rows, d_inplace.data());
  stream.Synchronize();
  CHECK(d_inplace.ToHost() == gpu);
}

TEST_CASE("CUDA row-mean metric sums give the host metrics' values", "[cuda]") {
  struct Case {
    const char* name;
    std::size_t outputs;
    bool exact;
  };
  const Case c = GENERATE(
      Case{"rmse", 1, true}, Case{"mse", 1, true}, Case{"mae", 1, true}, Case{"mape", 1, true},
      Case{"mphe", 1, true}, Case{"error", 1, true}, Case{"error@0.3", 1, true},
      Case{"accuracy", 1, true}, Case{"rmsle", 1, false}, Case{"logloss", 1, false},
      Case{"poisson-nloglik", 1, false}, Case{"gamma-deviance", 1, false},
      Case{"gamma-nloglik", 1, false}, Case{"tweedie-nloglik@1.3", 1, false},
      Case{"mlogloss", 3, false}, Case{"merror", 3, true}, Case{"accuracy", 3, true});
  const bool weighted = GENERATE(false, true);
  const std::string name = c.name;
  const bool classes = name == "mlogloss" || name == "merror" || c.outputs > 1;
  const bool binary = name == "logloss" || name.rfind("error", 0) == 0 || name == "accuracy";
  const std::size_t rows = 3 * kMetricBlockRows + 123;  // four blocks, the last one short
  std::mt19937_64 rng(rows + c.outputs + (weighted ? 7 : 0));
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> predictions(rows * c.outputs), labels(rows), weights;
  for (std::size_t i = 0; i < rows; ++i) {
    if (classes) {
      float total = 0.0f;
      for (std::size_t j = 0; j < c.outputs; ++j) total += predictions[i * c.outputs + j] = u(rng);
      for (std::size_t j = 0; j < c.outputs; ++j) predictions[i * c.outputs + j] /= total;
      labels[i] = static_cast<float>(rng() % c.outputs);
    } else if (binary) {
      predictions[i] = u(rng);
      labels[i] = u(rng) < predictions[i] ? 1.0f : 0.0f;
    } else {  // positive means and labels for the log-link metrics
      predictions[i] = 0.5f + 20.0f * u(rng);
      labels[i] = 0.5f + 20.0f * u(rng);
    }
    if (weighted) weights.push_back(0.1f + 3.0f * u(rng));
  }
  if (binary) predictions[5] = 0.0f;  // logloss's clip at 1e-16

  const std::unique_ptr<Metric> metric = CreateMetric(name);
  const std::optional<RowMetric> form = RowFormOf(*metric);
  REQUIRE(form.has_value());
  MetricInput in;
  in.predictions = predictions;
  in.labels = labels;
  in.weights = weights;
  in.num_outputs = c.outputs;
  const double cpu = metric->Evaluate(in);

  const auto d_predictions = test::ToDevice(predictions);
  const auto d_labels = test::ToDevice(labels);
  const auto d_weights = test::ToDevice(weights);
  const Stream stream;
  const RowMetricSums sums =
      SumRowMetric(stream.View(), *form, d_predictions.data(), c.outputs, d_labels.data(),
                   weighted ? d_weights.data() : nullptr, rows);
  const double gpu = FinishRowMetric(*form, sums.weighted, sums.weight);
  INFO(name << (weighted ? " weighted" : "") << ": CPU " << cpu << ", GPU " << gpu);
  if (c.exact) {
    CHECK(gpu == cpu);
  } else {
    CHECK(gpu == Approx(cpu).epsilon(1e-12));
  }
}

TEST_CASE("CUDA tree margins on dense and CSR matrices equal the CPU's bit for bit", "[cuda]") {
  const bool csr = GENERATE(false, true);
  std::mt19937_64 rng(csr ? 3 : 4);
  const std::size_t rows = 50'000, cols = 9;
  const int outputs = 3, output = 2;
  // One random tree, as Tree holds it after growth (scalar leaves).
  std::vector<std::int32_t> left, right;
  std::vector<std::uint32_t> feature;
  std::vector<float> threshold, value;
  std::vector<std::uint8_t> default_left;
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  const auto grow = [&](auto&& self, int depth) -> std::int32_t {
    const auto id = static_cast<std::int32_t>(left.size());
    left.push_back(-1);
    right.push_back(-1);
    feature.push_back(static_cast<std::uint32_t>(rng() % cols));
    threshold.push_back(u(rng));
    value.push_back(u(rng) * 0.1f);
    default_left.push_back(static_cast<std::uint8_t>(rng() % 2));
    if (depth > 0 && rng() % 6 != 0) {
      const std::int32_t l = self(self, depth - 1);
      const std::int32_t r = self(self, depth - 1);
      left[id] = l;
      right[id] = r;
    }
    return id;
  };
  grow(grow, 9);
  const cpu_impl::PredictTree tree{left,  right, feature, threshold, default_left,
                                   value, 0,     {},      output};

  std::vector<float> x(rows * cols);
  for (float& v : x) v = rng() % 8 == 0 ? std::numeric_limits<float>::quiet_NaN() : u(rng);
  std::vector<std::uint64_t> row_ptr{0};
  std::vector<std::uint32_t> col_index;
  std::vector<float> values;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < cols; ++j) {
      if (std::isnan(x[r * cols + j])) continue;
      col_index.push_back(static_cast<std::uint32_t>(j));
      values.push_back(x[r * cols + j]);
    }
    row_ptr.push_back(values.size());
  }
  std::vector<float> margins(rows * outputs);
  for (float& m : margins) m = u(rng);

  // The host: the tree's contribution from a zero base, added to the cache (predict_views.h).
  std::vector<float> contribution(margins.size());
  const std::vector<float> zero(outputs, 0.0f);
  cpu_impl::PredictMargins(std::span(&tree, 1), cpu_impl::PredictInput::Dense(x.data(), rows, cols),
                           zero, 1, contribution);
  std::vector<float> cpu = margins;
  for (std::size_t r = 0; r < rows; ++r)
    cpu[r * outputs + output] += contribution[r * outputs + output];

  const auto d_x = test::ToDevice(x);
  const auto d_row_ptr = test::ToDevice(row_ptr);
  const auto d_col_index = test::ToDevice(col_index);
  const auto d_values = test::ToDevice(values);
  DeviceMatrix m;
  m.rows = rows;
  m.cols = cols;
  if (csr) {
    m.d_row_ptr = d_row_ptr.data();
    m.d_col_index = d_col_index.data();
    m.d_values = d_values.data();
  } else {
    m.d_dense = d_x.data();
    m.row_stride = cols;
  }
  auto d_margins = test::ToDevice(margins);
  SynchronizeDevice();  // the uploads ran on the legacy stream
  const FlatForest flat = FlattenForest(std::span(&tree, 1), cols, outputs);
  const Stream stream;
  AddTreeMargins(stream.View(), flat.nodes, m, outputs, output, d_margins.data());
  stream.Synchronize();
  const std::vector<float> gpu = d_margins.ToHost();
  std::size_t differ = 0;
  for (std::size_t i = 0; i < cpu.size(); ++i)
    differ += std::memcmp(&gpu[i], &cpu[i], sizeof(float)) != 0;
  CHECK(differ == 0);
}
