#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "kernel_fixture.h"
#include "kernels/histogram.h"

using namespace grove;

namespace {

std::vector<GradientSum> ScalarHistogram(const test::BinnedFixture& fx,
                                         const std::vector<std::uint32_t>& rows) {
  const BinnedView v = fx.View();
  std::vector<GradientSum> hist(v.total_bins);
  for (const std::uint32_t r : rows) {
    for (std::size_t f = 0; f < v.features; ++f) {
      hist[v.feature_offsets[f] + v.LocalBin(r, f)] += fx.gradients[r];
    }
  }
  return hist;
}

}  // namespace

TEST_CASE("BuildHistograms equals a scalar reference for every thread count", "[unit]") {
  const bool wide = GENERATE(false, true);
  const test::BinnedFixture fx(50'000, 7, 40, wide, 11);
  std::vector<std::uint32_t> all(fx.rows);
  std::iota(all.begin(), all.end(), 0U);
  std::vector<std::uint32_t> odd;
  for (std::uint32_t r = 1; r < fx.rows; r += 2) odd.push_back(r);
  std::vector<std::uint32_t> few = {3, 17, 17000, 49999};
  for (const int threads : {1, 2, 4}) {
    INFO("threads " << threads << " wide " << wide);
    Context ctx;
    ctx.nthread = threads;
    const BinnedView v = fx.View();
    std::vector<GradientSum> h_all(v.total_bins), h_odd(v.total_bins), h_few(v.total_bins);
    const std::vector<HistogramTask> tasks = {{all, h_all}, {odd, h_odd}, {few, h_few}};
    BuildHistograms(ctx, v, fx.gradients, tasks);
    CHECK(h_all == ScalarHistogram(fx, all));
    CHECK(h_odd == ScalarHistogram(fx, odd));
    CHECK(h_few == ScalarHistogram(fx, few));
  }
}

TEST_CASE("BuildHistograms overwrites a level of nodes of every size, sharing blocks", "[unit]") {
  // Tasks as a tree level hands them over, from no rows to many blocks, in buffers that still
  // hold an earlier node's sums (they must be overwritten, not added to).
  const test::BinnedFixture fx(120'000, 6, 30, false, 5);
  const std::vector<std::size_t> sizes = {70'000, 20'000, 16'384, 9'000, 4'096, 613, 1, 0};
  std::vector<std::vector<std::uint32_t>> nodes;
  std::size_t next = 0;
  for (const std::size_t size : sizes) {
    std::vector<std::uint32_t> rows;
    // Every third row from a different start, so that rows are scattered as in real nodes.
    for (std::size_t k = 0; k < size; ++k) {
      rows.push_back(static_cast<std::uint32_t>((next + 3 * k) % fx.rows));
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    next += 1;
    nodes.push_back(std::move(rows));
  }
  for (const int threads : {1, 2, 3, 8}) {
    INFO("threads " << threads);
    Context ctx;
    ctx.nthread = threads;
    const BinnedView v = fx.View();
    std::vector<std::vector<GradientSum>> hists(nodes.size(),
                                                std::vector<GradientSum>(v.total_bins, {7, -7}));
    std::vector<HistogramTask> tasks;
    for (std::size_t i = 0; i < nodes.size(); ++i) tasks.push_back({nodes[i], hists[i]});
    BuildHistograms(ctx, v, fx.gradients, tasks);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      INFO("node of " << nodes[i].size() << " rows");
      CHECK(hists[i] == ScalarHistogram(fx, nodes[i]));
    }
  }
}

TEST_CASE("SubtractHistogram gives the sibling exactly", "[unit]") {
  const test::BinnedFixture fx(10'000, 5, 20, false, 3);
  std::vector<std::uint32_t> all(fx.rows), left, right;
  std::iota(all.begin(), all.end(), 0U);
  for (const std::uint32_t r : all) (r % 5 == 0 ? left : right).push_back(r);
  std::vector<GradientSum> sibling(fx.View().total_bins);
  SubtractHistogram(Context{}, ScalarHistogram(fx, all), ScalarHistogram(fx, left), sibling);
  CHECK(sibling == ScalarHistogram(fx, right));
}

TEST_CASE("GradientQuantizer scales exactly and leaves headroom", "[unit]") {
  const GradientQuantizer q = GradientQuantizer::ForRound(0.75, 0.25, 1'000'000);
  // 0.75 * 1e6 < 2^20, so the scale is 2^(62 - 20) = 2^42 for gradients; 2^(62-18) for hessians.
  CHECK(q.grad_scale == std::ldexp(1.0, 42));
  CHECK(q.hess_scale == std::ldexp(1.0, 44));
  const GradientSum s = q.ToFixed(GradientPair{-0.5f, 0.25f});
  CHECK(q.Grad(s) == -0.5);
  CHECK(q.Hess(s) == 0.25);
  // A million maximal gradients still sum below 2^63.
  CHECK(static_cast<double>(q.ToFixed(GradientPair{0.75f, 0.25f}).grad) * 1e6 < 0x1p63);
}
