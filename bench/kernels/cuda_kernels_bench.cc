// Google Benchmarks of the CUDA training kernels (boosting and random-forest levels) on a
// HIGGS-shaped quantized matrix (rows x 28 features, 256 bins, 8-bit), reporting effective
// bandwidth: the bytes each kernel must move at least (bins, row ids, gradients, histograms,
// features) per second of wall time, each iteration ending with a stream synchronization. Compare
// with the GPU's peak (H100 ~3.3 TB/s, T4 ~320 GB/s) and with kernels_bench on the CPU:
//
//   build/gpu/bench/cuda_kernels_bench --benchmark_counters_tabular=true
//
// Without a CUDA device it prints why and exits 0 (nothing to measure).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <random>
#include <vector>

#include "kernels/cuda/device.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/forest_layout.h"
#include "kernels/cuda/kernels.h"

namespace grove::cuda_impl {
namespace {

constexpr std::size_t kFeatures = 28;
constexpr std::uint32_t kBins = 256;

template <typename T>
DeviceBuffer<T> Upload(const std::vector<T>& host) {
  return DeviceBuffer<T>::FromHost(std::span<const T>(host));
}

// The quantized matrix, its cuts and fixed-point gradients, on the device.
struct Fixture {
  std::size_t rows;
  std::vector<std::uint32_t> h_offsets;
  DeviceBuffer<std::uint8_t> bins;
  DeviceBuffer<std::uint32_t> offsets;
  DeviceBuffer<GradientSum> gradients;
  DeviceBuffer<float> cuts;
  DeviceBuffer<float> mins;
  DeviceBuffer<std::uint8_t> missing;

  explicit Fixture(std::size_t n) : rows(n) {
    std::mt19937_64 rng(7);
    std::vector<std::uint8_t> h_bins(n * kFeatures);
    for (auto& b : h_bins) b = static_cast<std::uint8_t>(rng() % kBins);
    std::vector<GradientSum> h_gradients(n);
    for (auto& g : h_gradients) g = GradientSum{static_cast<std::int64_t>(rng() % 1000) - 500, 250};
    std::vector<float> h_cuts;
    for (std::size_t f = 0; f <= kFeatures; ++f)
      h_offsets.push_back(static_cast<std::uint32_t>(f * kBins));
    for (std::size_t f = 0; f < kFeatures; ++f) {
      for (std::uint32_t b = 0; b < kBins; ++b) h_cuts.push_back(static_cast<float>(b) + 0.5f);
    }
    bins = Upload(h_bins);
    offsets = Upload(h_offsets);
    gradients = Upload(h_gradients);
    cuts = Upload(h_cuts);
    mins = Upload(std::vector<float>(kFeatures, -1.0f));
    missing = Upload(std::vector<std::uint8_t>(kFeatures, 0));
  }
  BinnedView View() const {
    BinnedView v;
    v.bins8 = bins.data();
    v.rows = rows;
    v.features = kFeatures;
    v.feature_offsets = offsets.data();
    v.total_bins = h_offsets.back();
    return v;
  }
  CutsView Cuts() const {
    // cut_ptrs equal the offsets here: no feature has a missing bin.
    return CutsView{cuts.data(),    offsets.data(), mins.data(),
                    missing.data(), offsets.data(), kFeatures};
  }
};

// Row index split into `nodes` equal consecutive ranges (a level of a balanced tree).
std::vector<HistogramNode> Nodes(std::size_t rows, std::size_t nodes, GradientSum* d_hist,
                                 std::uint32_t total_bins) {
  std::vector<HistogramNode> out;
  const std::size_t per = rows / nodes;
  for (std::size_t i = 0; i < nodes; ++i) {
    const std::size_t count = i + 1 == nodes ? rows - i * per : per;
    out.push_back(HistogramNode{static_cast<std::uint32_t>(i * per),
                                static_cast<std::uint32_t>(count), d_hist + i * total_bins});
  }
  return out;
}

void BM_CudaHistogram(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto nodes = static_cast<std::size_t>(state.range(1));
  const Fixture fx(rows);
  std::vector<std::uint32_t> h_rows(rows);
  std::iota(h_rows.begin(), h_rows.end(), 0U);
  std::shuffle(h_rows.begin(), h_rows.end(),
               std::mt19937_64(3));  // rows scattered as after partitions
  const auto d_rows = Upload(h_rows);
  const std::uint32_t total = fx.h_offsets.back();
  DeviceBuffer<GradientSum> d_hist(nodes * total);
  const auto list = Nodes(rows, nodes, d_hist.data(), total);
  const HistogramPlan plan = MakeHistogramPlan(CurrentDevice(), fx.h_offsets);
  const Stream stream;
  for (auto _ : state) {
    BuildHistograms(stream.View(), plan,
                    HistogramBatch{fx.View(), fx.gradients.data(), d_rows.data(), list});
    stream.Synchronize();
  }
  // Per row: its bins, its id, its gradient; per node: the histogram written.
  const double bytes = static_cast<double>(rows * (kFeatures + 4 + 16) + nodes * total * 16);
  state.counters["bytes_per_second"] = benchmark::Counter(
      bytes * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_CudaSplit(benchmark::State& state) {
  const auto nodes = static_cast<std::size_t>(state.range(0));
  const Fixture fx(1'000'000);
  std::vector<std::uint32_t> h_rows(fx.rows);
  std::iota(h_rows.begin(), h_rows.end(), 0U);
  const auto d_rows = Upload(h_rows);
  const std::uint32_t total = fx.h_offsets.back();
  DeviceBuffer<GradientSum> d_hist(nodes * total);
  const auto list = Nodes(fx.rows, nodes, d_hist.data(), total);
  const HistogramPlan plan = MakeHistogramPlan(CurrentDevice(), fx.h_offsets);
  const Stream stream;
  BuildHistograms(stream.View(), plan,
                  HistogramBatch{fx.View(), fx.gradients.data(), d_rows.data(), list});
  std::vector<std::uint32_t> h_features(kFeatures);
  std::iota(h_features.begin(), h_features.end(), 0U);
  const auto d_features = Upload(h_features);
  std::vector<SplitNode> split_nodes;
  for (const HistogramNode& n : list) {
    // Node sums from the fixture's constant hessian and an approximate gradient: enough for
    // the benchmark, which only times the search.
    split_nodes.push_back(SplitNode{n.d_histogram, GradientSum{0, 250LL * n.row_count},
                                    d_features.data(), kFeatures, WeightBounds{}, 0.0});
  }
  DeviceBuffer<SplitCandidate> d_best(nodes);
  const SplitBatch batch{fx.Cuts(), SplitParams{}, GradientQuantizer{},
                         {},        split_nodes,   d_best.data()};
  for (auto _ : state) {
    EvaluateSplits(stream.View(), batch);
    stream.Synchronize();
  }
  const double bytes = static_cast<double>(nodes * total * 16);
  state.counters["bytes_per_second"] = benchmark::Counter(
      bytes * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_CudaPartition(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto nodes = static_cast<std::size_t>(state.range(1));
  const Fixture fx(rows);
  std::vector<std::uint32_t> h_rows(rows);
  std::iota(h_rows.begin(), h_rows.end(), 0U);
  auto d_rows = Upload(h_rows);
  std::vector<PartitionNode> list;
  const std::size_t per = rows / nodes;
  for (std::size_t i = 0; i < nodes; ++i) {
    const std::size_t count = i + 1 == nodes ? rows - i * per : per;
    list.push_back(PartitionNode{
        static_cast<std::uint32_t>(i * per), static_cast<std::uint32_t>(count),
        static_cast<std::uint32_t>(i % kFeatures), kBins / 2, SplitCandidate::kNoBinLeft, false});
  }
  std::vector<std::uint32_t> left(nodes);
  const Stream stream;
  for (auto _ : state) {
    // Each pass re-partitions the previous result: the same amount of work every time.
    PartitionRows(stream.View(), fx.View(), d_rows.data(), list, left);
  }
  // Row ids read and written, one bin read per row.
  const double bytes = static_cast<double>(rows * (4 + 4 + 1));
  state.counters["bytes_per_second"] = benchmark::Counter(
      bytes * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// A complete tree of depth 8 in heap order (node i has children 2i + 1 and 2i + 2) with random
// features, standard-normal thresholds and small leaf values.
struct RandomTree {
  static constexpr int kDepth = 8;
  static constexpr std::size_t kNodes = (std::size_t{1} << (kDepth + 1)) - 1;
  std::vector<std::int32_t> left = std::vector<std::int32_t>(kNodes, -1);
  std::vector<std::int32_t> right = std::vector<std::int32_t>(kNodes, -1);
  std::vector<std::uint32_t> feature = std::vector<std::uint32_t>(kNodes);
  std::vector<float> threshold = std::vector<float>(kNodes);
  std::vector<float> value = std::vector<float>(kNodes);
  std::vector<std::uint8_t> default_left = std::vector<std::uint8_t>(kNodes);

  RandomTree(std::mt19937_64& rng, bool random_default_left) {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (std::size_t i = 0; i < kNodes; ++i) {
      if (2 * i + 2 < kNodes) {
        left[i] = static_cast<std::int32_t>(2 * i + 1);
        right[i] = static_cast<std::int32_t>(2 * i + 2);
      }
      feature[i] = static_cast<std::uint32_t>(rng() % kFeatures);
      threshold[i] = normal(rng);
      value[i] = 0.01f * normal(rng);
      if (random_default_left) default_left[i] = static_cast<std::uint8_t>(rng() % 2);
    }
  }
  cpu_impl::PredictTree View() const {
    return {left, right, feature, threshold, default_left, value, 0, {}, 0};
  }
};

void BM_CudaPredict(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto num_trees = static_cast<std::size_t>(state.range(1));
  std::mt19937_64 rng(11);
  const RandomTree random(rng, /*random_default_left=*/true);
  const std::vector<cpu_impl::PredictTree> trees(num_trees, random.View());
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const DeviceForest forest = UploadForest(FlattenForest(trees, kFeatures, 1));
  std::vector<float> x(rows * kFeatures);
  for (float& v : x) v = normal(rng);
  const auto d_x = Upload(x);
  DeviceBuffer<float> d_out(rows);
  const Stream stream;
  for (auto _ : state) {
    PredictMargins(stream.View(), forest, d_x.data(), rows, kFeatures, kFeatures, nullptr,
                   d_out.data());
    stream.Synchronize();
  }
  const double bytes = static_cast<double>(rows * (kFeatures * 4 + 4));
  state.counters["bytes_per_second"] = benchmark::Counter(
      bytes * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["rows_x_trees_per_second"] = benchmark::Counter(
      static_cast<double>(rows * num_trees) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

// One round's evaluation of one set on the device (engine/src/cuda_eval.h): the sigmoid
// transform, then metric 0 logloss (SumRowMetric: row terms, then sequential 16384-row block
// sums, the host's order), 1 binary auc (RocCurvesOf: a sort and one sweep per 4096-row block,
// one thread each), 2 aucpr (PrCurvesOf: a sort and two sweeps), 3 f1 (CountClassRows: one
// thread per 16384-row block and class), 4 ndcg@10 of 20-row query groups (RankSumsOf: one
// sort of (group, score) keys, one thread per group) or 5 auc of those groups (GroupPairSumsOf:
// one thread per row, 19 pairs at most). Bytes: margins read, predictions written
// and read, labels read.
void BM_CudaEvalRound(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto metric = state.range(1);
  std::mt19937_64 rng(13);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::vector<float> margins(rows), labels(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    margins[i] = normal(rng);
    labels[i] = normal(rng) + margins[i] > 0.0f ? 1.0f : 0.0f;
  }
  const auto d_margins = Upload(margins);
  const auto d_labels = Upload(labels);
  DeviceBuffer<float> d_predictions(rows);
  ObjectiveMath math;
  math.kind = ObjectiveKind::kLogistic;
  const RowMetric logloss{RowMetricKind::kLogLoss};
  const RankMetric ndcg{RankKind::kNdcg, 10, false};
  constexpr std::size_t kGroupRows = 20;
  std::vector<std::uint32_t> group_ptr;
  for (std::size_t r = 0; r < rows; r += kGroupRows)
    group_ptr.push_back(static_cast<std::uint32_t>(r));
  group_ptr.push_back(static_cast<std::uint32_t>(rows));
  std::vector<double> discount(ndcg.top_k);
  for (std::size_t i = 0; i < discount.size(); ++i) discount[i] = RankDiscount(i);
  const auto d_group_ptr = Upload(group_ptr);
  const auto d_discount = Upload(discount);
  std::vector<std::uint32_t> label_order(rows);  // labels are 0/1: the ones first per group
  for (std::size_t g = 0; g + 1 < group_ptr.size(); ++g) {
    std::size_t next = group_ptr[g];
    for (int want : {1, 0}) {
      for (std::size_t r = group_ptr[g]; r < group_ptr[g + 1]; ++r) {
        if (labels[r] == static_cast<float>(want))
          label_order[next++] = static_cast<std::uint32_t>(r);
      }
    }
  }
  const auto d_label_order = Upload(label_order);
  SynchronizeDevice();
  const Stream stream;
  double value = 0.0;
  for (auto _ : state) {
    TransformMargins(stream.View(), math, d_margins.data(), rows, d_predictions.data());
    if (metric == 3) {
      const ClassCounts counts =
          CountClassRows(stream.View(), d_predictions.data(), 1, d_labels.data(), nullptr, rows);
      value = counts.hit[1];
    } else if (metric == 4) {
      const DeviceGroupSums sums =
          RankSumsOf(stream.View(), ndcg, d_predictions.data(), d_labels.data(), d_group_ptr.data(),
                     group_ptr.size() - 1, d_discount.data(), rows);
      value = sums.sums.front();
    } else if (metric == 5) {
      const DeviceGroupSums sums =
          GroupPairSumsOf(stream.View(), d_predictions.data(), d_label_order.data(),
                          d_group_ptr.data(), group_ptr.size() - 1, rows);
      value = sums.sums.front();
    } else if (metric == 1) {
      value = FinishRoc(
          RocCurvesOf(stream.View(), d_predictions.data(), 1, d_labels.data(), nullptr, rows)
              .curves.front());
    } else if (metric == 2) {
      const DevicePrCurves pr =
          PrCurvesOf(stream.View(), d_predictions.data(), 1, d_labels.data(), nullptr, rows);
      value = FinishPr(pr.areas.front(), pr.totals.front());
    } else {
      const RowMetricSums sums = SumRowMetric(stream.View(), logloss, d_predictions.data(), 1,
                                              d_labels.data(), nullptr, rows);
      value = FinishRowMetric(logloss, sums.weighted, sums.weight);
    }
    benchmark::DoNotOptimize(value);
  }
  const double bytes = static_cast<double>(rows * 16);
  state.counters["bytes_per_second"] = benchmark::Counter(
      bytes * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Multi-class auc (range(2) 0) or aucpr (1) of rows x classes probabilities, one class
// against the rest per column as metrics/auc.cc does: RocCurvesOf / PrCurvesOf queue one sort
// and sweep per class and wait once. Items: scores (rows x classes), each sorted and swept once.
void BM_CudaMultiClassAuc(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto classes = static_cast<std::size_t>(state.range(1));
  const bool pr = state.range(2) != 0;
  std::mt19937_64 rng(19);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::vector<float> scores(rows * classes), labels(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    labels[i] = static_cast<float>(rng() % classes);
    float sum = 0.0f;
    for (std::size_t c = 0; c < classes; ++c) {  // a hint of the class, then normalised
      float& v = scores[i * classes + c];
      v = unit(rng) + (labels[i] == static_cast<float>(c) ? 0.5f : 0.0f);
      sum += v;
    }
    for (std::size_t c = 0; c < classes; ++c) scores[i * classes + c] /= sum;
  }
  const auto d_scores = Upload(scores);
  const auto d_labels = Upload(labels);
  SynchronizeDevice();
  const Stream stream;
  for (auto _ : state) {
    if (pr) {
      const DevicePrCurves r =
          PrCurvesOf(stream.View(), d_scores.data(), classes, d_labels.data(), nullptr, rows);
      benchmark::DoNotOptimize(r.areas.data());
    } else {
      const DeviceRocCurves r =
          RocCurvesOf(stream.View(), d_scores.data(), classes, d_labels.data(), nullptr, rows);
      benchmark::DoNotOptimize(r.curves.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows * classes));
}

// One new tree added to an eval set's cache (AddTreeMargins: one depth-8 tree, uploaded each
// call as the evaluator does), on dense or CSR features (all 28 present).
void BM_CudaAddTree(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const bool csr = state.range(1) != 0;
  std::mt19937_64 rng(17);
  const RandomTree random(rng, /*random_default_left=*/false);
  const cpu_impl::PredictTree tree = random.View();
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const FlatForest flat = FlattenForest(std::span(&tree, 1), kFeatures, 1);
  std::vector<float> x(rows * kFeatures);
  for (float& v : x) v = normal(rng);
  std::vector<std::uint64_t> row_ptr(rows + 1);
  std::vector<std::uint32_t> col_index(rows * kFeatures);
  for (std::size_t r = 0; r <= rows; ++r) row_ptr[r] = r * kFeatures;
  for (std::size_t i = 0; i < col_index.size(); ++i)
    col_index[i] = static_cast<std::uint32_t>(i % kFeatures);
  const auto d_x = Upload(x);
  const auto d_row_ptr = Upload(row_ptr);
  const auto d_col_index = Upload(col_index);
  DeviceBuffer<float> d_margins(rows);
  SynchronizeDevice();
  DeviceMatrix m;
  m.rows = rows;
  m.cols = kFeatures;
  if (csr) {
    m.d_row_ptr = d_row_ptr.data();
    m.d_col_index = d_col_index.data();
    m.d_values = d_x.data();
  } else {
    m.d_dense = d_x.data();
    m.row_stride = kFeatures;
  }
  const Stream stream;
  for (auto _ : state) {
    AddTreeMargins(stream.View(), flat.nodes, m, 1, 0, d_margins.data());
    stream.Synchronize();
  }
  // At least: the features a depth-8 path reads (8 of 28 floats, as whole rows for dense) and
  // the margin read and written.
  const double bytes = static_cast<double>(rows * (csr ? 8 * 8 + 8 : kFeatures * 4) + rows * 8);
  state.counters["bytes_per_second"] = benchmark::Counter(
      bytes * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// One forest level: `nodes` nodes splitting `rows` scattered rows, each visiting 5 of the 28
// features (max_features=sqrt), binary gini (one fixed-point pair per row): the node sums, then
// the subset histograms and the impurity scan (FindForestSplits), results back on the host.
void BM_CudaForestLevel(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto nodes = static_cast<std::size_t>(state.range(1));
  constexpr std::uint32_t kVisited = 5;
  const Fixture fx(rows);
  std::vector<std::uint32_t> h_rows(rows);
  std::iota(h_rows.begin(), h_rows.end(), 0U);
  std::mt19937_64 rng(5);
  std::shuffle(h_rows.begin(), h_rows.end(), rng);
  const auto d_rows = Upload(h_rows);
  // Class weights of two classes in one pair: (w if class 0, w if class 1).
  std::vector<GradientSum> h_values(rows);
  for (auto& v : h_values)
    v = (rng() & 1U) != 0 ? GradientSum{1 << 20, 0} : GradientSum{0, 1 << 20};
  const auto d_values = Upload(h_values);
  const std::vector<GradientQuantizer> quantizers(
      1, GradientQuantizer{std::ldexp(1.0, 20), std::ldexp(1.0, 20)});
  ImpurityLayout layout{Criterion::kGini, 2, 2, false, 1, quantizers};
  std::vector<ForestNodeRows> ranges;
  std::vector<std::uint32_t> features;
  std::vector<std::uint32_t> slots;
  std::vector<ForestSplitNode> split_nodes;
  DeviceBuffer<GradientSum> d_hist(nodes * kVisited * kBins);
  for (std::size_t i = 0; i < nodes; ++i) {
    const auto begin = static_cast<std::uint32_t>(rows * i / nodes);
    const auto end = static_cast<std::uint32_t>(rows * (i + 1) / nodes);
    ranges.push_back({begin, end - begin});
    ForestSplitNode n{begin,    end - begin,      static_cast<std::uint32_t>(features.size()),
                      kVisited, kVisited * kBins, d_hist.data() + i * kVisited * kBins};
    for (std::uint32_t k = 0; k < kVisited; ++k) {
      features.push_back(static_cast<std::uint32_t>((i * 7 + k * 5) % kFeatures));
      slots.push_back(k * kBins);
    }
    split_nodes.push_back(n);
  }
  std::vector<GradientSum> sums(nodes);
  std::vector<std::uint8_t> uniform(nodes);
  std::vector<FeatureSplit> out(features.size());
  ForestSplitBatch batch;
  batch.bins = fx.View();
  batch.cuts = fx.Cuts();
  batch.params = ImpurityScanParamsOf(layout, ImpurityRules{});
  batch.d_values = d_values.data();
  batch.d_rows = d_rows.data();
  batch.features = features;
  batch.slots = slots;
  batch.node_sums = sums;
  batch.nodes = split_nodes;
  const Stream stream;
  for (auto _ : state) {
    SumForestNodes(stream.View(), d_values.data(), 1, nullptr, d_rows.data(), ranges, sums, {});
    FindForestSplits(stream.View(), batch, out);
  }
  // Per row: its id and value twice (sums, histogram) and its 5 visited bins; per node: the
  // histograms written and read back by the scan.
  const double bytes =
      static_cast<double>(rows * (2 * (4 + 16) + kVisited) + 2 * nodes * kVisited * kBins * 16);
  state.counters["bytes_per_second"] = benchmark::Counter(
      bytes * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_CudaHistogram)
    ->ArgNames({"rows", "nodes"})
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 128})
    ->Args({10'000'000, 1})
    ->Args({10'000'000, 128})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaSplit)
    ->ArgNames({"nodes"})
    ->Args({1})
    ->Args({128})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaPartition)
    ->ArgNames({"rows", "nodes"})
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 128})
    ->Args({10'000'000, 128})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaPredict)
    ->ArgNames({"rows", "trees"})
    ->Args({1'000'000, 100})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaForestLevel)
    ->ArgNames({"rows", "nodes"})
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 1024})
    ->Args({1'000'000, 16384})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaEvalRound)
    ->ArgNames({"rows", "metric"})
    ->Args({1'000'000, 0})
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 2})
    ->Args({1'000'000, 3})
    ->Args({1'000'000, 4})
    ->Args({1'000'000, 5})
    ->Args({10'000'000, 0})
    ->Args({10'000'000, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaMultiClassAuc)
    ->ArgNames({"rows", "classes", "pr"})
    ->Args({1'000'000, 10, 0})
    ->Args({1'000'000, 10, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CudaAddTree)
    ->ArgNames({"rows", "csr"})
    ->Args({1'000'000, 0})
    ->Args({1'000'000, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace grove::cuda_impl

int main(int argc, char** argv) {
  if (grove::cuda_impl::DeviceCount() == 0) {
    std::puts("SKIPPED: no CUDA device on this machine; the CUDA kernel benchmarks need one");
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
