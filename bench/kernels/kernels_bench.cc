// Google Benchmarks of the CPU training kernels on a HIGGS-shaped quantized matrix
// (rows x 28 features, 256 bins, 8-bit), reporting bytes/s of bins + gradients touched, next
// to BM_MemoryBandwidth (a streaming read of the same harness) so that each kernel's share of
// the machine's bandwidth can be read off one run:
//
//   build/dev/bench/kernels_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "kernels/histogram.h"
#include "kernels/partition.h"
#include "kernels/split.h"

namespace grove {
namespace {

constexpr std::size_t kFeatures = 28;
constexpr std::uint32_t kBins = 256;

struct Fixture {
  std::size_t rows;
  std::vector<std::uint8_t> bins;
  std::vector<std::uint32_t> offsets;
  std::vector<GradientSum> gradients;
  std::vector<float> cuts;
  std::vector<std::uint32_t> cut_ptrs;
  std::vector<float> mins;
  std::vector<std::uint8_t> missing;

  explicit Fixture(std::size_t n) : rows(n), bins(n * kFeatures), gradients(n) {
    std::mt19937_64 rng(7);
    for (auto& b : bins) b = static_cast<std::uint8_t>(rng() % kBins);
    for (auto& g : gradients) g = GradientSum{static_cast<std::int64_t>(rng() % 1000) - 500, 250};
    for (std::size_t f = 0; f <= kFeatures; ++f) {
      offsets.push_back(static_cast<std::uint32_t>(f * kBins));
      cut_ptrs.push_back(static_cast<std::uint32_t>(f * kBins));
    }
    for (std::size_t f = 0; f < kFeatures; ++f) {
      for (std::uint32_t b = 0; b < kBins; ++b) cuts.push_back(static_cast<float>(b) + 0.5f);
      mins.push_back(-1.0f);
      missing.push_back(0);
    }
  }
  BinnedView View() const {
    BinnedView v;
    v.bins8 = bins.data();
    v.rows = rows;
    v.features = kFeatures;
    v.feature_offsets = offsets.data();
    v.total_bins = offsets.back();
    return v;
  }
  CutsView Cuts() const {
    return CutsView{cuts.data(), cut_ptrs.data(), mins.data(), missing.data(), offsets.data(),
                    kFeatures};
  }
};

const Fixture& Shared() {
  static const Fixture fixture(1'000'000);
  return fixture;
}

Context Threads(const benchmark::State& state) {
  Context ctx;
  ctx.nthread = static_cast<int>(state.range(1));
  return ctx;
}

// Root-node histogram: every row, every feature.
void BM_Histogram(benchmark::State& state) {
  const Fixture& fx = Shared();
  const Context ctx = Threads(state);
  std::vector<std::uint32_t> rows(fx.rows);
  std::iota(rows.begin(), rows.end(), 0U);
  std::vector<GradientSum> hist(fx.View().total_bins);
  const HistogramTask task{rows, hist};
  for (auto _ : state) {
    BuildHistograms(ctx, fx.View(), fx.gradients, std::span(&task, 1));
    benchmark::DoNotOptimize(hist.data());
  }
  const double bytes = static_cast<double>(fx.rows) *
                       (kFeatures + sizeof(GradientSum) + sizeof(std::uint32_t));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(fx.rows) * state.iterations(),
                                                benchmark::Counter::kIsRate);
}

// Split search over one node's histogram (every feature, both missing directions).
void BM_Split(benchmark::State& state) {
  const Fixture& fx = Shared();
  const Context ctx = Threads(state);
  std::vector<std::uint32_t> rows(fx.rows);
  std::iota(rows.begin(), rows.end(), 0U);
  std::vector<GradientSum> hist(fx.View().total_bins);
  const HistogramTask build{rows, hist};
  BuildHistograms(ctx, fx.View(), fx.gradients, std::span(&build, 1));
  GradientSum total{};
  for (std::uint32_t b = 0; b < kBins; ++b) total += hist[b];
  std::vector<std::uint32_t> features(kFeatures);
  std::iota(features.begin(), features.end(), 0U);
  const std::vector<SplitTask> tasks(static_cast<std::size_t>(state.range(0)),
                                     SplitTask{hist, total, features, WeightBounds{}, 0.0});
  std::vector<SplitCandidate> best(tasks.size());
  for (auto _ : state) {
    EvaluateSplits(ctx, fx.Cuts(), SplitParams{}, GradientQuantizer{}, {}, tasks, best);
    benchmark::DoNotOptimize(best.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(hist.size() * sizeof(GradientSum) *
                                                    tasks.size()) *
                          state.iterations());
}

// Partition of all rows by one split (half go left).
void BM_Partition(benchmark::State& state) {
  const Fixture& fx = Shared();
  const Context ctx = Threads(state);
  std::vector<std::uint32_t> rows(fx.rows);
  SplitCandidate split;
  split.feature = 3;
  split.split_bin = kBins / 2;
  for (auto _ : state) {
    state.PauseTiming();
    std::iota(rows.begin(), rows.end(), 0U);
    state.ResumeTiming();
    PartitionTask task{rows, 3, split, SplitCandidate::kNoBinLeft, 0};
    PartitionRows(ctx, fx.View(), std::span(&task, 1));
    benchmark::DoNotOptimize(task.left_count);
  }
  // Row ids read and written, plus one bin byte per row (a strided gather).
  state.SetBytesProcessed(static_cast<std::int64_t>(fx.rows * (2 * sizeof(std::uint32_t) + 1)) *
                          state.iterations());
}

// The yardstick: summing 512 MB of 64-bit integers, each read once, over fixed blocks on the
// same oneTBB threads the kernels use.
void BM_MemoryBandwidth(benchmark::State& state) {
  static const std::vector<std::int64_t> data(64 * 1024 * 1024, 1);
  constexpr std::size_t kBlock = 1 << 20;
  const std::size_t blocks = data.size() / kBlock;
  std::vector<std::int64_t> partial(blocks);
  tbb::task_arena arena(static_cast<int>(state.range(1)));
  for (auto _ : state) {
    arena.execute([&] {
      tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
        partial[b] = std::accumulate(data.begin() + static_cast<std::ptrdiff_t>(b * kBlock),
                                     data.begin() + static_cast<std::ptrdiff_t>((b + 1) * kBlock),
                                     std::int64_t{0});
      });
    });
    benchmark::DoNotOptimize(partial.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(data.size() * sizeof(std::int64_t)) *
                          state.iterations());
}

BENCHMARK(BM_Histogram)->ArgNames({"rows", "threads"})->Args({1'000'000, 1})->Args({1'000'000, 2})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Split)->ArgNames({"nodes", "threads"})->Args({1, 1})->Args({64, 2})
    ->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_Partition)->ArgNames({"rows", "threads"})->Args({1'000'000, 1})->Args({1'000'000, 2})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MemoryBandwidth)->ArgNames({"mb", "threads"})->Args({512, 1})->Args({512, 2})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace grove

BENCHMARK_MAIN();
