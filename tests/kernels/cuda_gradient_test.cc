// [cuda] objective gradients and their fixed-point quantization against cpu_impl.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "cuda_fixture.h"
#include "kernels/cuda/kernels.h"
#include "kernels/gradient.h"

using namespace grove;
using namespace grove::cuda_impl;

namespace {

struct Case {
  ObjectiveKind kind;
  bool exact;  // built from + - * / sqrt only: bit-equal; else CUDA's expf/log1pf differ
};

float Label(ObjectiveKind kind, std::mt19937_64& rng, int classes) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  switch (kind) {
    case ObjectiveKind::kLogistic:
    case ObjectiveKind::kHinge:
      return rng() % 2 == 0 ? 0.0f : 1.0f;
    case ObjectiveKind::kSoftmax:
      return static_cast<float>(rng() % static_cast<unsigned>(classes));
    case ObjectiveKind::kGamma:
      return 0.1f + 5.0f * u(rng);
    default:
      return 5.0f * u(rng);
  }
}

bool Close(float a, float b) {
  // CUDA's expf and log1pf are within 2 ulp of the true value, glibc's within 1; gradients
  // that subtract such terms (tweedie's, logistic's p - 1) lose relative precision, hence the
  // absolute floor (terms here stay below ~25, whose 2 ulp are ~4e-6, times weights up to 2).
  return std::fabs(a - b) <= 1e-5f * std::fmax(std::fabs(a), std::fabs(b)) + 2e-5f;
}

}  // namespace

TEST_CASE("CUDA gradients match the CPU's", "[cuda]") {
  const Case c =
      GENERATE(Case{ObjectiveKind::kSquaredError, true}, Case{ObjectiveKind::kPseudoHuber, true},
               Case{ObjectiveKind::kAbsoluteError, true}, Case{ObjectiveKind::kHinge, true},
               Case{ObjectiveKind::kLogistic, false}, Case{ObjectiveKind::kSquaredLogError, false},
               Case{ObjectiveKind::kPoisson, false}, Case{ObjectiveKind::kGamma, false},
               Case{ObjectiveKind::kTweedie, false}, Case{ObjectiveKind::kSoftmax, false});
  const bool weighted = GENERATE(false, true);
  ObjectiveMath math{c.kind};
  math.scale_pos_weight = 1.5f;
  if (c.kind == ObjectiveKind::kSoftmax) math.num_class = 4;
  const int k = c.kind == ObjectiveKind::kSoftmax ? math.num_class : 1;
  const std::size_t rows = 50'000;
  std::mt19937_64 rng(static_cast<std::uint64_t>(c.kind) * 2 + (weighted ? 1 : 0));
  std::uniform_real_distribution<float> m(-3.0f, 3.0f);
  std::vector<float> margins(rows * k), labels(rows), weights;
  for (float& v : margins) v = m(rng);
  for (float& y : labels) y = Label(c.kind, rng, math.num_class);
  if (weighted) {
    for (std::size_t i = 0; i < rows; ++i)
      weights.push_back(std::uniform_real_distribution<float>(0.0f, 2.0f)(rng));
  }
  std::vector<GradientPair> cpu(rows * k);
  cpu_impl::ComputeGradients(Context{}, math, margins, labels, weights, cpu);

  const auto d_margins = test::ToDevice(margins);
  const auto d_labels = test::ToDevice(labels);
  const auto d_weights = test::ToDevice(weights);
  DeviceBuffer<GradientPair> d_gradients(rows * k);
  const Stream stream;
  ComputeGradients(stream.View(), math, d_margins.data(), d_labels.data(),
                   weighted ? d_weights.data() : nullptr, rows, d_gradients.data());
  stream.Synchronize();
  const std::vector<GradientPair> gpu = d_gradients.ToHost();
  std::size_t bad = 0;
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    if (c.exact) {
      bad += std::memcmp(&gpu[i], &cpu[i], sizeof(GradientPair)) != 0;
    } else {
      bad += !(Close(gpu[i].grad, cpu[i].grad) && Close(gpu[i].hess, cpu[i].hess));
    }
  }
  INFO("objective kind " << static_cast<int>(c.kind) << ", weighted " << weighted);
  CHECK(bad == 0);
}

TEST_CASE("CUDA gradient quantization equals the CPU's", "[cuda]") {
  const std::size_t rows = 100'003;
  const int outputs = 3, output = 2;
  std::mt19937_64 rng(9);
  std::vector<GradientPair> pairs(rows * outputs);
  for (GradientPair& p : pairs) {
    p.grad = std::uniform_real_distribution<float>(-4.0f, 4.0f)(rng);
    p.hess = std::uniform_real_distribution<float>(0.0f, 0.25f)(rng);
  }
  double max_grad = 0.0, max_hess = 0.0;
  for (std::size_t r = 0; r < rows; ++r) {
    max_grad = std::max(max_grad, static_cast<double>(std::abs(pairs[r * outputs + output].grad)));
    max_hess = std::max(max_hess, static_cast<double>(std::abs(pairs[r * outputs + output].hess)));
  }
  const auto d_pairs = test::ToDevice(pairs);
  const Stream stream;
  const GradientMaxima maxima =
      MaxAbsGradients(stream.View(), d_pairs.data(), rows, outputs, output);
  CHECK(maxima.grad == max_grad);
  CHECK(maxima.hess == max_hess);
  const GradientQuantizer q = GradientQuantizer::ForRound(max_grad, max_hess, rows);
  DeviceBuffer<GradientSum> d_fixed(rows);
  QuantizeGradients(stream.View(), q, d_pairs.data(), rows, outputs, output, d_fixed.data());
  stream.Synchronize();
  std::vector<GradientSum> cpu(rows);
  for (std::size_t r = 0; r < rows; ++r) cpu[r] = q.ToFixed(pairs[r * outputs + output]);
  CHECK(d_fixed.ToHost() == cpu);

  // NaN gradients do not take part in the maximum, on the host (std::max keeps the maximum so
  // far) or on the device, wherever they fall in the reduction.
  std::vector<GradientPair> with_nan = pairs;
  for (std::size_t r = 0; r < rows; r += 997) {
    with_nan[r * outputs + output].grad = std::numeric_limits<float>::quiet_NaN();
    with_nan[r * outputs + output].hess = std::numeric_limits<float>::quiet_NaN();
  }
  double nan_grad = 0.0, nan_hess = 0.0;
  for (std::size_t r = 0; r < rows; ++r) {
    const GradientPair& g = with_nan[r * outputs + output];
    nan_grad = std::max(nan_grad, std::fabs(static_cast<double>(g.grad)));
    nan_hess = std::max(nan_hess, std::fabs(static_cast<double>(g.hess)));
  }
  REQUIRE(nan_grad > 0.0);
  const auto d_nan = test::ToDevice(with_nan);
  const GradientMaxima nan_maxima =
      MaxAbsGradients(stream.View(), d_nan.data(), rows, outputs, output);
  CHECK(nan_maxima.grad == nan_grad);
  CHECK(nan_maxima.hess == nan_hess);
}
