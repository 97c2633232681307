// [cuda] split search: the same candidates as cpu_impl::EvaluateSplits, field by field.
#include <catch2/catch.hpp>

#include <numeric>
#include <random>

#include "cuda_fixture.h"
#include "kernels/cuda/kernels.h"
#include "kernels/histogram.h"
#include "kernels/split.h"

using namespace grove;
using namespace grove::cuda_impl;

namespace {

void CheckSame(const SplitCandidate& gpu, const SplitCandidate& cpu) {
  CHECK(gpu.feature == cpu.feature);
  if (!cpu.Valid() || !gpu.Valid()) return;
  CHECK(gpu.loss_change == cpu.loss_change);
  CHECK(gpu.split_bin == cpu.split_bin);
  CHECK(gpu.missing_left == cpu.missing_left);
  CHECK(gpu.threshold == cpu.threshold);
  CHECK(gpu.left_sum == cpu.left_sum);
  CHECK(gpu.right_sum == cpu.right_sum);
  CHECK(gpu.left_weight == cpu.left_weight);
  CHECK(gpu.right_weight == cpu.right_weight);
}

struct Scenario {
  const char* name;
  SplitParams params;
  bool monotone;
  bool bounded;
};

// Runs the nodes through both devices. `hists` holds one histogram per node.
void Compare(const test::BinnedFixture& fx, const std::vector<std::vector<GradientSum>>& hists,
             const std::vector<std::vector<std::uint32_t>>& features, const Scenario& scenario,
             const GradientQuantizer& q) {
  const test::DeviceFixture dev(fx);
  std::vector<std::int8_t> monotone;
  if (scenario.monotone) {
    for (std::size_t f = 0; f < fx.features; ++f)
      monotone.push_back(static_cast<std::int8_t>(int(f % 3) - 1));
  }
  std::vector<SplitTask> tasks;
  std::vector<SplitNode> nodes;
  std::vector<DeviceBuffer<GradientSum>> d_hists;
  std::vector<DeviceBuffer<std::uint32_t>> d_features;
  for (std::size_t i = 0; i < hists.size(); ++i) {
    GradientSum total{};
    for (std::uint32_t b = 0; b < fx.offsets[1]; ++b)
      total += hists[i][b];  // feature 0 covers every row
    WeightBounds bounds;
    if (scenario.bounded) bounds = WeightBounds{-0.002, 0.003};
    const double parent = CalcGain(scenario.params, q.Grad(total), q.Hess(total), bounds);
    tasks.push_back(SplitTask{hists[i], total, features[i], bounds, parent});
    d_hists.push_back(test::ToDevice(hists[i]));
    d_features.push_back(test::ToDevice(features[i]));
    nodes.push_back(SplitNode{d_hists.back().data(), total, d_features.back().data(),
                              static_cast<std::uint32_t>(features[i].size()), bounds, parent});
  }
  std::vector<SplitCandidate> cpu(tasks.size());
  cpu_impl::EvaluateSplits(Context{}, fx.Cuts(), scenario.params, q, monotone, tasks, cpu);
  DeviceBuffer<SplitCandidate> d_best(tasks.size());
  const Stream stream;
  EvaluateSplits(stream.View(),
                 SplitBatch{dev.Cuts(), scenario.params, q, monotone, nodes, d_best.data()});
  stream.Synchronize();
  const std::vector<SplitCandidate> gpu = d_best.ToHost();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    INFO(scenario.name << ", node " << i);
    CheckSame(gpu[i], cpu[i]);
  }
}

}  // namespace

TEST_CASE("CUDA split search equals the CPU's on random histograms", "[cuda]") {
  const Scenario scenario = GENERATE(
      Scenario{"fast path", SplitParams{}, false, false},
      Scenario{"L1 and min_child_weight", SplitParams{1.0, 0.5, 3.0, 0.0, 0.0}, false, false},
      Scenario{"max_delta_step", SplitParams{1.0, 0.0, 1.0, 0.3, 0.0}, false, false},
      Scenario{"monotone with bounds", SplitParams{}, true, true},
      Scenario{"no regularisation", SplitParams{0.0, 0.0, 0.0, 0.0, 0.0}, false, false});
  // 300 bins per feature exercises several tiles of the block scan.
  const bool wide = GENERATE(false, true);
  const test::BinnedFixture fx(30'000, 9, wide ? 300 : 40, wide, 13);
  const GradientQuantizer q = GradientQuantizer::ForRound(1000.0, 1000.0, fx.rows);
  std::mt19937_64 rng(17);
  std::vector<std::vector<GradientSum>> hists;
  std::vector<std::vector<std::uint32_t>> features;
  for (int node = 0; node < 6; ++node) {
    std::vector<std::uint32_t> rows;
    const std::uint32_t keep = 1 + node;  // nodes of decreasing size: 1/1, 1/2, ... of the rows
    for (std::uint32_t r = 0; r < fx.rows; ++r) {
      if (rng() % keep == 0) rows.push_back(r);
    }
    if (node == 5) rows.resize(3);  // a node too small to split under min_child_weight
    std::vector<GradientSum> hist(fx.View().total_bins);
    const HistogramTask task{rows, hist};
    cpu_impl::BuildHistograms(Context{}, fx.View(), fx.gradients, std::span(&task, 1));
    hists.push_back(hist);
    std::vector<std::uint32_t> f;
    for (std::uint32_t j = 0; j < fx.features; ++j) {
      if (node % 2 == 0 || rng() % 2 == 0) f.push_back(j);  // column sampling by node
    }
    if (f.empty() || f.front() != 0) f.insert(f.begin(), 0);
    features.push_back(f);
  }
  Compare(fx, hists, features, scenario, q);
}

TEST_CASE("CUDA split search breaks ties like the CPU", "[cuda]") {
  // Every feature gets the same two non-empty bins: equal gains everywhere, so the lowest
  // feature and the first cut in scan order must win (features with a missing bin scan
  // backward too).
  test::BinnedFixture fx(1'000, 6, 8, false, 2);
  std::vector<std::uint32_t> bins_of(fx.features);
  for (std::size_t f = 0; f < fx.features; ++f) bins_of[f] = fx.offsets[f + 1] - fx.offsets[f];
  std::vector<GradientSum> hist(fx.View().total_bins);
  for (std::size_t f = 0; f < fx.features; ++f) {
    // (-50, 20) then (50, 20), the other bins empty: every cut between them scores the same
    // (the CPU's fast path skips the empty bins, its slow path sees equal gains).
    hist[fx.offsets[f]] = GradientSum{-50, 20};
    if (bins_of[f] > 1) hist[fx.offsets[f] + 1] = GradientSum{50, 20};
  }
  std::vector<std::uint32_t> all(fx.features);
  std::iota(all.begin(), all.end(), 0U);
  Compare(fx, {hist}, {all}, Scenario{"ties", SplitParams{}, false, false}, GradientQuantizer{});
  Compare(fx, {hist}, {all},
          Scenario{"ties, slow path", SplitParams{1.0, 0.0, 1.0, 5.0, 0.0}, false, false},
          GradientQuantizer{});
}
