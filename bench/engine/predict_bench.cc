// Benchmarks of Model::Predict: 100 trees of depth 8 with random splits on 1,000,000 x 28
// standard-normal floats (the HIGGS shape), dense and CSR (10% missing), rows per second.
//
//   build/bench/predict_bench --benchmark_filter=BM_PredictDense
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "grove/dataset.h"
#include "grove/model.h"

namespace {

constexpr std::size_t kRows = 1'000'000;
constexpr std::size_t kCols = 28;
constexpr int kTrees = 100;
constexpr int kDepth = 8;

grove::Tree RandomTree(std::mt19937_64& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<std::uint32_t> feature(0, kCols - 1);
  grove::Tree tree;
  tree.AddLeaf(grove::Tree::kNoChild, 0.0f, 1.0f);
  std::vector<std::int32_t> frontier{0};
  for (int d = 0; d < kDepth; ++d) {
    std::vector<std::int32_t> next;
    for (const std::int32_t node : frontier) {
      const std::int32_t left = tree.Split(node, feature(rng), normal(rng), (rng() & 1U) != 0, 1.0f,
                                           0.01f * normal(rng), 0.01f * normal(rng), 1.0f, 1.0f);
      next.push_back(left);
      next.push_back(left + 1);
    }
    frontier = std::move(next);
  }
  return tree;
}

const grove::Model& TheModel() {
  static const grove::Model model = [] {
    grove::Model m;
    m.params.objective = "binary:logistic";
    m.num_features = kCols;
    m.base_margin = {0.0f};
    std::mt19937_64 rng(2);
    for (int t = 0; t < kTrees; ++t) {
      m.trees.push_back(RandomTree(rng));
      m.tree_group.push_back(0);
    }
    return m;
  }();
  return model;
}

const grove::DenseMatrix& Dense() {
  static const grove::DenseMatrix data = [] {
    grove::DenseMatrix m(kRows, kCols);
    std::mt19937_64 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float& v : m.values) v = normal(rng);
    return m;
  }();
  return data;
}

const grove::CsrMatrix& Sparse() {
  static const grove::CsrMatrix data = [] {
    const grove::DenseMatrix& dense = Dense();
    grove::CsrMatrix m;
    m.rows = kRows;
    m.cols = kCols;
    std::mt19937_64 rng(3);
    std::bernoulli_distribution missing(0.1);
    for (std::size_t r = 0; r < kRows; ++r) {
      for (std::size_t c = 0; c < kCols; ++c) {
        if (missing(rng)) continue;
        m.col_index.push_back(static_cast<std::uint32_t>(c));
        m.values.push_back(dense.At(r, c));
      }
      m.row_ptr.push_back(m.values.size());
    }
    return m;
  }();
  return data;
}

grove::PredictOptions Options(const benchmark::State& state, grove::PredictType type) {
  grove::PredictOptions options;
  options.type = type;
  options.nthread = static_cast<int>(state.range(0));
  return options;
}

template <typename Matrix>
void Run(benchmark::State& state, const Matrix& x, grove::PredictType type) {
  const grove::Model& model = TheModel();
  const grove::PredictOptions options = Options(state, type);
  for (auto _ : state) {
    std::vector<float> out = model.Predict(x, options);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(kRows * state.iterations()),
                                                benchmark::Counter::kIsRate);
}

void BM_PredictDense(benchmark::State& state) {
  Run(state, Dense(), grove::PredictType::kMargin);
}
void BM_PredictDenseValue(benchmark::State& state) {
  Run(state, Dense(), grove::PredictType::kValue);
}
void BM_PredictDenseLeaf(benchmark::State& state) {
  Run(state, Dense(), grove::PredictType::kLeaf);
}
void BM_PredictCsr(benchmark::State& state) {
  Run(state, Sparse(), grove::PredictType::kMargin);
}

}  // namespace

BENCHMARK(BM_PredictDense)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_PredictDenseValue)
    ->ArgName("threads")
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_PredictDenseLeaf)
    ->ArgName("threads")
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_PredictCsr)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_MAIN();
