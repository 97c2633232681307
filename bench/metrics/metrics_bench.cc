// Metric evaluation speed on large inputs: one evaluation per iteration, items = rows.
//
//   build-*/bench/metrics_bench --benchmark_filter='rows:10000000'
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "grove/metrics.h"

namespace {

struct Data {
  std::vector<float> probability, label, weight, target, prediction;
  std::vector<std::uint32_t> groups;
};

/// Probabilities of a typical boosted model: a continuous score (few exact ties) with
/// 40% positives; a regression target and a prediction close to it; groups of 50 rows.
const Data& Rows(std::size_t n) {
  static std::size_t cached_rows = 0;
  static Data data;
  if (cached_rows == n) return data;
  std::mt19937_64 rng(42);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  data = Data{};
  for (std::size_t i = 0; i < n; ++i) {
    const float y = uniform(rng) < 0.4f ? 1.0f : 0.0f;
    data.label.push_back(y);
    data.probability.push_back(1.0f / (1.0f + std::exp(-(normal(rng) + 1.5f * y - 0.6f))));
    data.weight.push_back(0.5f + uniform(rng));
    const float t = 3.0f * normal(rng);
    data.target.push_back(t);
    data.prediction.push_back(t + normal(rng));
  }
  for (std::size_t g = 0; g <= n; g += 50) data.groups.push_back(static_cast<std::uint32_t>(g));
  if (data.groups.back() != n) data.groups.push_back(static_cast<std::uint32_t>(n));
  cached_rows = n;
  return data;
}

void Run(benchmark::State& state, const char* name, bool regression, bool ranking) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const Data& data = Rows(rows);
  const auto metric = grove::CreateMetric(name);
  grove::MetricInput in;
  in.predictions = regression ? data.prediction : data.probability;
  in.labels = regression ? data.target : data.label;
  if (ranking) in.groups = data.groups;
  for (auto _ : state) benchmark::DoNotOptimize(metric->Evaluate(in));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}

void BM_Auc(benchmark::State& state) {
  Run(state, "auc", false, false);
}
void BM_AucPr(benchmark::State& state) {
  Run(state, "aucpr", false, false);
}
void BM_LogLoss(benchmark::State& state) {
  Run(state, "logloss", false, false);
}
void BM_Rmse(benchmark::State& state) {
  Run(state, "rmse", true, false);
}
void BM_Ndcg(benchmark::State& state) {
  Run(state, "ndcg@10", false, true);
}

void BM_AucWeighted(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const Data& data = Rows(rows);
  const auto metric = grove::CreateMetric("auc");
  grove::MetricInput in;
  in.predictions = data.probability;
  in.labels = data.label;
  in.weights = data.weight;
  for (auto _ : state) benchmark::DoNotOptimize(metric->Evaluate(in));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}

#define GROVE_METRIC_BENCHMARK(fn) \
  BENCHMARK(fn)                    \
      ->ArgName("rows")            \
      ->Arg(1'000'000)             \
      ->Arg(10'000'000)            \
      ->UseRealTime()              \
      ->Unit(benchmark::kMillisecond)

GROVE_METRIC_BENCHMARK(BM_Auc);
GROVE_METRIC_BENCHMARK(BM_AucWeighted);
GROVE_METRIC_BENCHMARK(BM_AucPr);
GROVE_METRIC_BENCHMARK(BM_LogLoss);
GROVE_METRIC_BENCHMARK(BM_Rmse);
GROVE_METRIC_BENCHMARK(BM_Ndcg);

}  // namespace

BENCHMARK_MAIN();
