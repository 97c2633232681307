#include <catch2/catch.hpp>

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
