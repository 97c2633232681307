#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "kernel_fixture.h"
#include "kernels/split.h"

using namespace grove;

namespace {

// One feature with real bins 0..2 (cuts 0.5, 1.5, 2.5) and optionally a missing bin.
struct OneFeature {
  std::vector<float> cuts = {0.5f, 1.5f, 2.5f};
  std::vector<std::uint32_t> ptrs = {0, 3};
  std::vector<float> mins = {-1.0f};
  std::vector<std::uint8_t> missing;
  std::vector<std::uint32_t> offsets;
  explicit OneFeature(bool has_missing)
      : missing{static_cast<std::uint8_t>(has_missing)}, offsets{0, has_missing ? 4U : 3U} {}
  CutsView View() const {
    return CutsView{cuts.data(), ptrs.data(), mins.data(), missing.data(), offsets.data(), 1};
  }
};

GradientQuantizer Unit() { return GradientQuantizer{}; }  // scale 1: fixed values are exact

SplitCandidate Best(const CutsView& cuts, const std::vector<GradientSum>& hist, SplitParams p,
                    std::vector<std::int8_t> monotone = {}) {
  GradientSum total{};
  for (const GradientSum& b : hist) total += b;
  const std::vector<std::uint32_t> features = {0};
  const double parent = CalcGain(p, static_cast<double>(total.grad), static_cast<double>(total.hess));
  const SplitTask task{hist, total, features, WeightBounds{}, parent};
  SplitCandidate best;
  EvaluateSplits(Context{}, cuts, p, Unit(), monotone, std::span(&task, 1), std::span(&best, 1));
  return best;
}

}  // namespace

TEST_CASE("EvaluateSplits finds the hand-computed best split", "[unit]") {
  // Bins (G, H): (-2, 1), (1, 1), (3, 1); node (2, 3); lambda = 1.
  // parent gain = 2^2 / (3 + 1) = 1.
  // after bin 0: (-2)^2/2 + 4^2/3 - 1 = 2 + 5.3333 - 1 = 6.3333   <- best
  // after bin 1: (-1)^2/3 + 3^2/2 - 1 = 0.3333 + 4.5 - 1 = 3.8333
  const OneFeature f(false);
  const SplitCandidate best = Best(f.View(), {{-2, 1}, {1, 1}, {3, 1}}, SplitParams{});
  REQUIRE(best.Valid());
  CHECK(best.feature == 0);
  CHECK(best.split_bin == 0);
  CHECK(best.threshold == 0.5f);
  CHECK_FALSE(best.missing_left);
  CHECK(best.loss_change == Approx(19.0 / 3.0));
  CHECK(best.left_weight == Approx(1.0));       // -(-2) / (1 + 1)
  CHECK(best.right_weight == Approx(-4.0 / 3.0));  // -4 / (2 + 1)
}

TEST_CASE("EvaluateSplits honours min_child_weight and monotone constraints", "[unit]") {
  const OneFeature f(false);
  const std::vector<GradientSum> hist = {{-2, 1}, {1, 1}, {3, 1}};
  SplitParams p;
  p.min_child_weight = 1.5;  // only 2+1 or 1+2 rows: both splits qualify
  CHECK(Best(f.View(), hist, p).split_bin == 0 - 0);
  p.min_child_weight = 2.5;  // no child can have hessian >= 2.5 on both sides
  CHECK_FALSE(Best(f.View(), hist, p).Valid());
  // Increasing constraint: both splits give w_left > w_right, so none is allowed.
  CHECK_FALSE(Best(f.View(), hist, SplitParams{}, {1}).Valid());
  // Decreasing: allowed, same gains (the clipped-weight formula equals the closed form here).
  const SplitCandidate dec = Best(f.View(), hist, SplitParams{}, {-1});
  CHECK(dec.split_bin == 0);
  CHECK(dec.loss_change == Approx(19.0 / 3.0));
}

TEST_CASE("EvaluateSplits learns where missing values go", "[unit]") {
  // Missing bin (-6, 2) looks like bin 0: sending it left is best.
  // Node: G = -4, H = 5, parent = 16/6.
  // after bin 0, missing left: L = (-8, 3): 64/4 = 16; R = (4, 2): 16/3; gain = 16 + 5.333 - 2.667
  const OneFeature f(true);
  const SplitCandidate best = Best(f.View(), {{-2, 1}, {1, 1}, {3, 1}, {-6, 2}}, SplitParams{});
  REQUIRE(best.Valid());
  CHECK(best.missing_left);
  CHECK(best.split_bin == 0);
  CHECK(best.loss_change == Approx(16.0 + 16.0 / 3.0 - 16.0 / 6.0));
  // Missing values against every present value: the forward pass finds "all present values
  // left, missing right" first, and the mirrored backward candidate (missing alone on the
  // left, threshold at the feature minimum) has the same gain, so the forward one stays.
  const SplitCandidate only = Best(f.View(), {{1, 1}, {1, 1}, {1, 1}, {-9, 3}}, SplitParams{});
  REQUIRE(only.Valid());
  CHECK_FALSE(only.missing_left);
  CHECK(only.split_bin == 2);
  CHECK(only.threshold == 2.5f);
  CHECK_FALSE(only.GoesLeft(3, 3));
  CHECK(only.GoesLeft(0, 3));
  // A decreasing constraint forbids the forward form (w_left = -3/4 < w_right = 9/4) but allows
  // its mirror: missing values alone on the left, threshold at the feature's minimum.
  const SplitCandidate alone =
      Best(f.View(), {{1, 1}, {1, 1}, {1, 1}, {-9, 3}}, SplitParams{}, {-1});
  REQUIRE(alone.Valid());
  CHECK(alone.missing_left);
  CHECK(alone.split_bin == SplitCandidate::kNoBinLeft);
  CHECK(alone.threshold == -1.0f);
  CHECK(alone.GoesLeft(3, 3));
  CHECK_FALSE(alone.GoesLeft(0, 3));
  CHECK(alone.loss_change == Approx(only.loss_change));
}

TEST_CASE("EvaluateSplits matches brute force on random histograms for any thread count",
          "[unit]") {
  const test::BinnedFixture fx(20'000, 9, 30, false, 5);
  std::vector<std::uint32_t> rows(fx.rows);
  std::iota(rows.begin(), rows.end(), 0U);
  std::vector<GradientSum> hist(fx.View().total_bins);
  const BinnedView v = fx.View();
  GradientSum total{};
  for (const std::uint32_t r : rows) {
    total += fx.gradients[r];
    for (std::size_t j = 0; j < v.features; ++j) hist[v.feature_offsets[j] + v.LocalBin(r, j)] += fx.gradients[r];
  }
  SplitParams p;
  p.lambda = 3.0;
  p.alpha = 50.0;
  const double parent = CalcGain(p, static_cast<double>(total.grad), static_cast<double>(total.hess));
  // Brute force: every (feature, cut, missing side), first best by feature then order.
  double best_gain = 1e-6;
  int best_feature = -1;
  for (std::size_t j = 0; j < fx.features; ++j) {
    const std::uint32_t bins = fx.bins_per_feature[j];
    const GradientSum* h = hist.data() + fx.offsets[j];
    const GradientSum miss = fx.has_missing[j] ? h[bins] : GradientSum{};
    for (int side = 0; side < 2; ++side) {
      for (int b = -1; b < static_cast<int>(bins); ++b) {
        GradientSum left = side == 1 ? miss : GradientSum{};
        for (int k = 0; k <= b; ++k) left += h[k];
        const GradientSum right = total - left;
        if (left.hess < 1 || right.hess < 1) continue;
        const double gain = CalcGain(p, left.grad, left.hess) + CalcGain(p, right.grad, right.hess) - parent;
        if (gain > best_gain + 1e-9) {
          best_gain = gain;
          best_feature = static_cast<int>(j);
        }
      }
    }
  }
  std::vector<std::uint32_t> features(fx.features);
  std::iota(features.begin(), features.end(), 0U);
  const SplitTask task{hist, total, features, WeightBounds{}, parent};
  for (const int threads : {1, 2}) {
    Context ctx;
    ctx.nthread = threads;
    SplitCandidate best;
    EvaluateSplits(ctx, fx.Cuts(), p, GradientQuantizer{}, {}, std::span(&task, 1), std::span(&best, 1));
    CHECK(best.feature == best_feature);
    CHECK(best.loss_change == Approx(best_gain).epsilon(1e-12));
  }
}
