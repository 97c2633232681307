// [cuda] histogram build and subtraction: bit-equal to cpu_impl on the same inputs.
#include <catch2/catch.hpp>

#include <numeric>
#include <random>

#include "cuda_fixture.h"
#include "kernels/cuda/kernels.h"
#include "kernels/histogram.h"

using namespace grove;
using namespace grove::cuda_impl;

namespace {

// Node row lists: everything, a random half (sorted, as partitions leave them), a few rows,
// no rows.
std::vector<std::vector<std::uint32_t>> NodeRows(std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint32_t> all(rows), half,
      few = {0, 3, 17, static_cast<std::uint32_t>(rows - 1)};
  std::iota(all.begin(), all.end(), 0U);
  for (const std::uint32_t r : all) {
    if (rng() % 2 == 0) half.push_back(r);
  }
  return {all, half, few, {}};
}

void CompareWithCpu(const test::BinnedFixture& fx, std::size_t shared_limit) {
  const test::DeviceFixture dev(fx);
  const auto lists = NodeRows(fx.rows, 5);
  std::vector<std::uint32_t> concatenated;
  std::vector<HistogramNode> nodes;
  const std::uint32_t bins = fx.View().total_bins;
  DeviceBuffer<GradientSum> d_hist(lists.size() * bins);
  for (std::size_t i = 0; i < lists.size(); ++i) {
    nodes.push_back(HistogramNode{static_cast<std::uint32_t>(concatenated.size()),
                                  static_cast<std::uint32_t>(lists[i].size()),
                                  d_hist.data() + i * bins});
    concatenated.insert(concatenated.end(), lists[i].begin(), lists[i].end());
  }
  const auto d_rows = test::ToDevice(concatenated);
  HistogramPlan plan = MakeHistogramPlan(0, fx.offsets);
  if (shared_limit > 0) {  // force small groups and, for wide features, the global fallback
    plan.groups = PlanFeatureGroups(fx.offsets, shared_limit);
  }
  const Stream stream;
  BuildHistograms(stream.View(), plan,
                  HistogramBatch{dev.View(), dev.gradients.data(), d_rows.data(), nodes});
  stream.Synchronize();
  const std::vector<GradientSum> gpu = d_hist.ToHost();
  for (std::size_t i = 0; i < lists.size(); ++i) {
    std::vector<GradientSum> cpu(bins);
    const HistogramTask task{lists[i], cpu};
    cpu_impl::BuildHistograms(Context{}, fx.View(), fx.gradients, std::span(&task, 1));
    INFO("node " << i << " with " << lists[i].size() << " rows");
    CHECK(std::vector<GradientSum>(gpu.begin() + static_cast<std::ptrdiff_t>(i * bins),
                                   gpu.begin() + static_cast<std::ptrdiff_t>((i + 1) * bins)) ==
          cpu);
  }
}

}  // namespace

TEST_CASE("CUDA histograms equal the CPU's bit for bit", "[cuda]") {
  const bool wide = GENERATE(false, true);
  const std::size_t limit = GENERATE(std::size_t{0}, std::size_t{1024});
  INFO("16-bit bins " << wide << ", shared-memory limit " << limit);
  const test::BinnedFixture fx(60'000, 11, wide ? 300 : 60, wide, 21);
  CompareWithCpu(fx, limit);
}

TEST_CASE("CUDA histograms handle large gradients without losing bits", "[cuda]") {
  test::BinnedFixture fx(20'000, 3, 16, false, 4);
  // Near the quantizer's 2^62 headroom for 20'000 rows: sums reach ~2^61.
  for (GradientSum& g : fx.gradients) {
    g.grad = (g.grad >= 0 ? 1 : -1) * (std::int64_t{1} << 46) + g.grad;
    g.hess = (std::int64_t{1} << 46) + g.hess;
  }
  CompareWithCpu(fx, 0);
}

TEST_CASE("CUDA histogram subtraction equals the CPU's", "[cuda]") {
  const test::BinnedFixture fx(5'000, 6, 30, false, 8);
  const std::uint32_t bins = fx.View().total_bins;
  std::vector<GradientSum> parent(bins), child(bins);
  std::mt19937_64 rng(3);
  for (std::uint32_t b = 0; b < bins; ++b) {
    parent[b] = {static_cast<std::int64_t>(rng()) >> 2, static_cast<std::int64_t>(rng() >> 3)};
    child[b] = {static_cast<std::int64_t>(rng()) >> 2, static_cast<std::int64_t>(rng() >> 3)};
  }
  const auto d_parent = test::ToDevice(parent);
  const auto d_child = test::ToDevice(child);
  DeviceBuffer<GradientSum> d_out(bins);
  const SubtractionTask task{d_parent.data(), d_child.data(), d_out.data()};
  const Stream stream;
  SubtractHistograms(stream.View(), bins, std::span(&task, 1));
  stream.Synchronize();
  std::vector<GradientSum> cpu(bins);
  cpu_impl::SubtractHistogram(Context{}, parent, child, cpu);
  CHECK(d_out.ToHost() == cpu);
}
