// [cuda] random-forest kernels: SumForestNodes against plain host sums, FindForestSplits against
// cpu_impl::BuildSubsetHistograms + cpu_impl::EvaluateImpuritySplits on the same nodes, field by
// field, for several channel layouts (one pair, a count channel, histograms too wide for shared
// memory), 8- and 16-bit bins, missing bins, empty and one-row nodes.
#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <random>
#include <vector>

#include "cuda_fixture.h"
#include "kernels/cuda/kernels.h"
#include "kernels/impurity_split.h"
#include "kernels/subset_histogram.h"

using namespace grove;
using namespace grove::cuda_impl;

namespace {

struct Layout {
  const char* name;
  Criterion criterion;
  int classes;
  bool has_count;
};

// Per row: the class's weight (or w*y, w for regression), then a count of 1, as fixed point.
std::vector<GradientSum> ChannelValues(const ImpurityLayout& layout, std::size_t rows,
                                       std::mt19937_64& rng) {
  std::vector<GradientSum> values(rows * layout.pairs);
  for (std::size_t r = 0; r < rows; ++r) {
    std::vector<std::int64_t> c(static_cast<std::size_t>(layout.pairs) * 2, 0);
    const std::int64_t w = static_cast<std::int64_t>(1 + rng() % 64) << 20;
    if (layout.classes > 0) {
      c[rng() % static_cast<std::size_t>(layout.classes)] = w;
    } else {
      c[0] = (static_cast<std::int64_t>(rng() % 201) - 100) * w / 16;
      c[1] = w;
    }
    if (layout.has_count) c[static_cast<std::size_t>(layout.channels) - 1] = std::int64_t{1} << 20;
    for (std::size_t p = 0; p < layout.pairs; ++p)
      values[r * layout.pairs + p] = {c[2 * p], c[2 * p + 1]};
  }
  return values;
}

}  // namespace

TEST_CASE("CUDA forest kernels: node sums and splits are the CPU's", "[cuda]") {
  const Layout layouts[] = {
      {"gini, 2 classes", Criterion::kGini, 2, false},
      {"entropy, 3 classes, count channel", Criterion::kEntropy, 3, true},
      {"squared error, count channel", Criterion::kSquaredError, 0, true},
      {"gini, 12 classes (global-memory histograms)", Criterion::kGini, 12, true}};
  const bool wide = GENERATE(false, true);
  for (const Layout& l : layouts) {
    SECTION(std::string(l.name) + (wide ? ", 16-bit bins" : ", 8-bit bins")) {
      const test::BinnedFixture fx(5000, 9, wide ? 600 : 60, wide, 17);
      const test::DeviceFixture d_fx(fx);
      ImpurityLayout layout;
      layout.criterion = l.criterion;
      layout.classes = l.classes;
      layout.has_count = l.has_count;
      layout.channels = (l.classes > 0 ? l.classes : 2) + (l.has_count ? 1 : 0);
      layout.pairs = static_cast<std::size_t>((layout.channels + 1) / 2);
      const std::vector<GradientQuantizer> quantizers(
          layout.pairs, GradientQuantizer{std::ldexp(1.0, 20), std::ldexp(1.0, 20)});
      layout.quantizers = quantizers;
      const ImpurityRules rules{2.0, 0.5};
      std::mt19937_64 rng(23);
      const std::vector<GradientSum> values = ChannelValues(layout, fx.rows, rng);
      std::vector<float> labels(fx.rows);
      for (float& y : labels) y = static_cast<float>(rng() % 3);

      // Nodes: consecutive ranges of a shuffled row index, some empty or of one row.
      std::vector<std::uint32_t> rows(fx.rows);
      std::iota(rows.begin(), rows.end(), 0U);
      std::shuffle(rows.begin(), rows.end(), rng);
      const std::vector<std::uint32_t> sizes = {1, 0, 7, 40, 300, 2, 1500, 3000, 150};
      std::vector<ForestNodeRows> ranges;
      std::uint32_t begin = 0;
      for (const std::uint32_t s : sizes) {
        ranges.push_back({begin, s});
        begin += s;
      }
      REQUIRE(begin == fx.rows);
      const auto d_values = test::ToDevice(values);
      const auto d_rows = test::ToDevice(rows);
      const auto d_labels = test::ToDevice(labels);
      SynchronizeDevice();
      Stream stream;

      std::vector<GradientSum> sums(ranges.size() * layout.pairs);
      std::vector<std::uint8_t> uniform(ranges.size());
      SumForestNodes(stream.View(), d_values.data(), layout.pairs, d_labels.data(), d_rows.data(),
                     ranges, sums, uniform);
      for (std::size_t i = 0; i < ranges.size(); ++i) {
        INFO("node " << i);
        std::vector<GradientSum> want(layout.pairs);
        bool same = true;
        for (std::uint32_t k = 0; k < ranges[i].row_count; ++k) {
          const std::uint32_t r = rows[ranges[i].row_begin + k];
          for (std::size_t p = 0; p < layout.pairs; ++p) want[p] += values[r * layout.pairs + p];
          same = same && labels[r] == labels[rows[ranges[i].row_begin]];
        }
        CHECK(std::equal(want.begin(), want.end(),
                         sums.begin() + static_cast<std::ptrdiff_t>(i * layout.pairs)));
        CHECK((uniform[i] != 0) == same);
      }

      // Each node tries a random subset of the features, in a random order.
      std::vector<std::uint32_t> features;
      std::vector<std::uint32_t> slots;
      std::vector<ForestSplitNode> nodes;
      std::vector<std::vector<GradientSum>> cpu_hist;
      std::vector<SubsetHistogramTask> cpu_build;
      std::vector<ImpuritySplitTask> cpu_split;
      std::vector<std::size_t> node_of;  // nodes with rows get a split task
      for (std::size_t i = 0; i < ranges.size(); ++i) {
        std::vector<std::uint32_t> all(fx.features);
        std::iota(all.begin(), all.end(), 0U);
        std::shuffle(all.begin(), all.end(), rng);
        all.resize(1 + rng() % fx.features);
        ForestSplitNode n;
        n.row_begin = ranges[i].row_begin;
        n.row_count = ranges[i].row_count;
        n.feature_begin = static_cast<std::uint32_t>(features.size());
        n.num_features = static_cast<std::uint32_t>(all.size());
        std::uint32_t slot = 0;
        for (const std::uint32_t f : all) {
          features.push_back(f);
          slots.push_back(slot);
          slot += fx.offsets[f + 1] - fx.offsets[f];
        }
        n.histogram_bins = slot;
        nodes.push_back(n);
        cpu_hist.emplace_back(std::size_t{slot} * layout.pairs);
      }
      std::size_t entries = 0;
      for (const auto& h : cpu_hist) entries += h.size();
      DeviceBuffer<GradientSum> d_hist(entries);
      std::size_t offset = 0;
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        nodes[i].d_histogram = d_hist.data() + offset;
        offset += cpu_hist[i].size();
        const auto node_features = std::span<const std::uint32_t>(features).subspan(
            nodes[i].feature_begin, nodes[i].num_features);
        cpu_build.push_back(
            {std::span<const std::uint32_t>(rows).subspan(ranges[i].row_begin, ranges[i].row_count),
             node_features,
             cpu_hist[i],
             {}});
        cpu_split.push_back(
            {cpu_hist[i],
             node_features,
             std::span<const GradientSum>(sums).subspan(i * layout.pairs, layout.pairs),
             {}});
      }
      Context ctx;
      ctx.nthread = 2;
      cpu_impl::BuildSubsetHistograms(ctx, fx.View(), layout.pairs, values, cpu_build);
      std::vector<FeatureSplit> want(features.size());
      cpu_impl::EvaluateImpuritySplits(ctx, fx.Cuts(), layout, rules, cpu_split, want);

      ForestSplitBatch batch;
      batch.bins = d_fx.View();
      batch.cuts = d_fx.Cuts();
      batch.params = ImpurityScanParamsOf(layout, rules);
      batch.d_values = d_values.data();
      batch.d_rows = d_rows.data();
      batch.features = features;
      batch.slots = slots;
      batch.node_sums = sums;
      batch.nodes = nodes;
      std::vector<FeatureSplit> got(features.size());
      FindForestSplits(stream.View(), batch, got);
      const std::vector<GradientSum> gpu_hist = d_hist.ToHost();
      offset = 0;
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        INFO("histogram of node " << i);
        CHECK(std::equal(cpu_hist[i].begin(), cpu_hist[i].end(),
                         gpu_hist.begin() + static_cast<std::ptrdiff_t>(offset)));
        offset += cpu_hist[i].size();
      }
      std::size_t valid = 0;
      for (std::size_t k = 0; k < features.size(); ++k) {
        INFO("listed feature " << k << " (feature " << features[k] << ")");
        CHECK(got[k].constant == want[k].constant);
        CHECK(got[k].best.feature == want[k].best.feature);
        if (!want[k].best.Valid()) continue;
        ++valid;
        CHECK(got[k].best.split_bin == want[k].best.split_bin);
        CHECK(got[k].best.missing_left == want[k].best.missing_left);
        CHECK(got[k].best.threshold == want[k].best.threshold);
        if (l.criterion == Criterion::kEntropy) {
          CHECK(got[k].best.loss_change == Approx(want[k].best.loss_change).epsilon(1e-12));
        } else {
          CHECK(got[k].best.loss_change == want[k].best.loss_change);
        }
      }
      CHECK(valid > features.size() / 3);  // the comparison covers real splits
    }
  }
}
