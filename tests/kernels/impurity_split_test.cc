// The CPU random-forest split scan (kernels/impurity_split.h) on a hand-computed node, with and
// without the touched bitmap.
#include "kernels/impurity_split.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "kernels/subset_histogram.h"

using namespace grove;

namespace {

// One feature with 4 bins (cuts 1.5, 2.5, 3.5, 4.5), no missing bin; binary gini, one pair per
// row: (weight if class 0, weight if class 1) at scale 1.
struct Node {
  std::vector<std::uint8_t> bins;
  std::vector<GradientSum> values;
  std::vector<float> cut_values = {1.5f, 2.5f, 3.5f, 4.5f};
  std::vector<std::uint32_t> cut_ptrs = {0, 4};
  std::vector<float> min_values = {0.0f};
  std::vector<std::uint8_t> has_missing = {0};
  std::vector<std::uint32_t> offsets = {0, 4};
  std::vector<GradientQuantizer> quantizers = {GradientQuantizer{}};

  BinnedView View() const {
    BinnedView v;
    v.bins8 = bins.data();
    v.rows = bins.size();
    v.features = 1;
    v.feature_offsets = offsets.data();
    v.total_bins = 4;
    return v;
  }
  CutsView Cuts() const {
    return CutsView{cut_values.data(),  cut_ptrs.data(), min_values.data(),
                    has_missing.data(), offsets.data(),  1};
  }

  // The best split of the feature, with or without the touched bitmap.
  FeatureSplit Split(bool touched) const {
    const ImpurityLayout layout{Criterion::kGini, 2, 2, false, 1, quantizers};
    std::vector<std::uint32_t> rows(bins.size());
    for (std::uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
    const std::vector<std::uint32_t> features = {0};
    std::vector<GradientSum> hist(4);
    std::vector<std::uint64_t> bits(1, 0);
    Context ctx;
    ctx.nthread = 1;
    const SubsetHistogramTask build{rows, features, hist,
                                    touched ? std::span(bits) : std::span<std::uint64_t>()};
    BuildSubsetHistograms(ctx, View(), 1, values, std::span(&build, 1));
    GradientSum sum;
    for (const GradientSum& v : values) sum += v;
    const ImpuritySplitTask task{
        hist, features, std::span(&sum, 1),
        touched ? std::span<const std::uint64_t>(bits) : std::span<const std::uint64_t>()};
    FeatureSplit out;
    EvaluateImpuritySplits(ctx, Cuts(), layout, ImpurityRules{1.0, 0.0}, std::span(&task, 1),
                           std::span(&out, 1));
    return out;
  }
};

}  // namespace

TEST_CASE("impurity split: gini on a hand-computed node", "[unit]") {
  // Classes 0, 0, 1, 1 in bins 0..3: parent W - sum w^2 / W = 4 - 8/4 = 2; the split after bin 1
  // leaves two pure children (decrease 2); after bin 0 the right child (1, 2) keeps
  // 3 - 5/3, a decrease of 2/3.
  Node node;
  node.bins = {0, 1, 2, 3};
  node.values = {{1, 0}, {1, 0}, {0, 1}, {0, 1}};
  for (const bool touched : {false, true}) {
    const FeatureSplit s = node.Split(touched);
    CHECK_FALSE(s.constant);
    CHECK(s.best.feature == 0);
    CHECK(s.best.split_bin == 1);
    CHECK(s.best.threshold == 2.5f);
    CHECK_FALSE(s.best.missing_left);
    CHECK(s.best.loss_change == 2.0);
  }
}
