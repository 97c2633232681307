// Benchmarks of engine quantization: cut points (sketch) and the binned matrix on
// 1,000,000 x 28 random floats (the HIGGS shape), reported as rows per second.
//
//   build/bench/quantize_bench --benchmark_filter=BM_Quantize
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "engine/src/matrix_view.h"
#include "engine/src/quantize.h"
#include "grove/context.h"
#include "grove/dataset.h"

namespace {

constexpr std::size_t kRows = 1'000'000;
constexpr std::size_t kCols = 28;

const grove::DenseMatrix& Data() {
  static const grove::DenseMatrix data = [] {
    grove::DenseMatrix m(kRows, kCols);
    std::mt19937_64 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float& v : m.values) v = normal(rng);
    return m;
  }();
  return data;
}

grove::Context Threads(const benchmark::State& state) {
  grove::Context ctx;
  ctx.nthread = static_cast<int>(state.range(0));
  return ctx;
}

void BM_QuantizeBuildCuts(benchmark::State& state) {
  const grove::MatrixView x = grove::MatrixView::Of(Data());
  const grove::Context ctx = Threads(state);
  for (auto _ : state) {
    grove::HistogramCuts cuts = grove::BuildCuts(ctx, x, {}, 256);
    benchmark::DoNotOptimize(cuts);
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(kRows * state.iterations()),
                                                benchmark::Counter::kIsRate);
}

void BM_QuantizeBinnedMatrix(benchmark::State& state) {
  const grove::MatrixView x = grove::MatrixView::Of(Data());
  const grove::Context ctx = Threads(state);
  const grove::HistogramCuts cuts = grove::BuildCuts(ctx, x, {}, 256);
  for (auto _ : state) {
    grove::BinnedMatrix bins = grove::BinnedMatrix::Build(ctx, x, cuts);
    benchmark::DoNotOptimize(bins);
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(kRows * state.iterations()),
                                                benchmark::Counter::kIsRate);
}

// Both steps, as training runs them.
void BM_QuantizeTotal(benchmark::State& state) {
  const grove::MatrixView x = grove::MatrixView::Of(Data());
  const grove::Context ctx = Threads(state);
  for (auto _ : state) {
    grove::HistogramCuts cuts = grove::BuildCuts(ctx, x, {}, 256);
    grove::BinnedMatrix bins = grove::BinnedMatrix::Build(ctx, x, cuts);
    benchmark::DoNotOptimize(bins);
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(kRows * state.iterations()),
                                                benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_QuantizeBuildCuts)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_QuantizeBinnedMatrix)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_QuantizeTotal)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_MAIN();
