// [cuda] the query-group metrics on the device (kernels/cuda/ranking.cu): ndcg and map
// (RankSumsOf, finished by FinishRank), auc and aucpr with query groups (GroupPairSumsOf,
// GroupPrAreasOf, finished by FinishGroupAuc), against the host metrics made by CreateMetric,
// which sort each group on their own. The sums are the same doubles in the same order (the pair
// sums are exact in any order) and ndcg's discounts come from the host's log2, so the values
// must be equal bit for bit, but for aucpr's log (CUDA's within 1 ulp; exact on the emulation).
// Also built into cuda.emulated, whose twins sort all rows at once by (group, score key) as the
// device does.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "cuda_fixture.h"
#include "grove/metrics.h"
#include "kernels/common/metric_math.h"
#include "kernels/cuda/kernels.h"
#include "metrics/row_form.h"
#include "tests/kernels/cuda_train_util.h"  // kCudaEmulated

using namespace grove;
using namespace grove::cuda_impl;

namespace {

struct RankData {
  std::vector<float> scores, labels, weights;
  std::vector<std::uint32_t> groups;  // boundaries, or empty: one group
};

// Appends `count` random query groups of 1 to `widest` rows to data.groups (which starts at 0),
// each with one weight of `lightest` plus 0 to `weight_steps - 1`, given to its rows if
// `weighted`; rng draws the rows, then the weight, group after group.
void AddRandomGroups(RankData& data, std::mt19937_64& rng, int count, std::uint32_t widest,
                     float lightest, std::uint32_t weight_steps, bool weighted) {
  data.groups.push_back(0);
  for (int g = 0; g < count; ++g) {
    const auto rows = static_cast<std::uint32_t>(1 + rng() % widest);
    data.groups.push_back(data.groups.back() + rows);
    const float w = lightest + static_cast<float>(rng() % weight_steps);
    for (std::uint32_t i = 0; i < rows && weighted; ++i) data.weights.push_back(w);
  }
}

MetricInput InputOf(const RankData& data) {
  MetricInput in;
  in.predictions = data.scores;
  in.labels = data.labels;
  in.weights = data.weights;
  in.groups = data.groups;
  in.num_outputs = 1;
  return in;
}

// What the evaluator does: the metric's RankGroups on the host, the sweeps on the device.
struct DeviceRank {
  double value = 0.0;
  std::vector<double> sums;
  std::optional<std::size_t> nan_index;
};

DeviceRank OnDevice(const Metric& metric, const RankData& data) {
  const DeviceForm form = DeviceFormOf(metric);
  REQUIRE(form.rank.has_value());
  const RankGroups groups = form.rank_groups(InputOf(data));
  std::size_t widest = 0;
  for (std::size_t g = 0; g + 1 < groups.ptr.size(); ++g) {
    widest = std::max<std::size_t>(widest, groups.ptr[g + 1] - groups.ptr[g]);
  }
  std::vector<double> discount(std::min(widest, form.rank->top_k));
  for (std::size_t i = 0; i < discount.size(); ++i) discount[i] = RankDiscount(i);
  const auto d_scores = test::ToDevice(data.scores);
  const auto d_labels = test::ToDevice(data.labels);
  const auto d_ptr = test::ToDevice(groups.ptr);
  const auto d_discount = test::ToDevice(discount);
  const Stream stream;
  const DeviceGroupSums sums = RankSumsOf(
      stream.View(), *form.rank, d_scores.data(), d_labels.data(), d_ptr.data(),
      groups.ptr.size() - 1, discount.empty() ? nullptr : d_discount.data(), data.labels.size());
  DeviceRank result{0.0, sums.sums, sums.nan_index};
  if (!sums.nan_index) result.value = FinishRank(*form.rank, groups, sums.sums);
  return result;
}

}  // namespace

TEST_CASE("CUDA rank sweeps of a hand-made group", "[cuda]") {
  // Ranked by score, ties in row order: rows 0 (label 0), 2 (1), 3 (0), 1 (2).
  RankData data;
  data.scores = {0.9f, 0.1f, 0.5f, 0.5f};
  data.labels = {0.0f, 2.0f, 1.0f, 0.0f};
  const DeviceRank ndcg = OnDevice(*CreateMetric("ndcg"), data);
  REQUIRE(ndcg.sums.size() == 1);
  CHECK(ndcg.sums[0] == Approx(1.0 / std::log2(3.0) + 3.0 / std::log2(5.0)).epsilon(1e-15));
  CHECK(ndcg.value ==
        Approx((1.0 / std::log2(3.0) + 3.0 / std::log2(5.0)) / (3.0 + 1.0 / std::log2(3.0)))
            .epsilon(1e-15));
  // map: relevant at positions 1 and 3 with 1 and 2 hits: (1/2 + 2/4) / 2 relevant.
  const DeviceRank map = OnDevice(*CreateMetric("map"), data);
  CHECK(map.sums[0] == 1.0);
  CHECK(map.value == 0.5);
  // @2: only positions 0 and 1 count; map still divides by both relevant documents.
  CHECK(OnDevice(*CreateMetric("map@2"), data).value == 0.25);
  CHECK(OnDevice(*CreateMetric("ndcg@2"), data).value ==
        Approx((1.0 / std::log2(3.0)) / (3.0 + 1.0 / std::log2(3.0))).epsilon(1e-15));
}

TEST_CASE("CUDA ndcg and map give the host metrics' bits", "[cuda]") {
  const bool grouped = GENERATE(false, true);
  const bool weighted = GENERATE(false, true);
  std::mt19937_64 rng(grouped * 2 + weighted + 1);
  RankData data;
  if (grouped) {  // groups of 1 to 60 rows, 2,000 of them
    AddRandomGroups(data, rng, 2000, 60, 0.25f, 8, weighted);
  } else if (weighted) {
    return;  // one group: a single weight changes nothing
  }
  const std::size_t rows = grouped ? data.groups.back() : 50'000;
  for (std::size_t i = 0; i < rows; ++i) {
    // Few score levels, so that ties are common; -0 and +0 tie too.
    const auto level = static_cast<int>(rng() % 12) - 4;
    data.scores.push_back(level == 0 && i % 2 == 0 ? -0.0f : 0.125f * static_cast<float>(level));
    data.labels.push_back(static_cast<float>(rng() % 7 < 4 ? 0 : rng() % 5));
  }
  for (const char* name : {"ndcg", "ndcg@3", "ndcg@10-", "map", "map@5", "map-"}) {
    const auto metric = CreateMetric(name);
    const double cpu = metric->Evaluate(InputOf(data));
    const DeviceRank gpu = OnDevice(*metric, data);
    INFO(name << (grouped ? " grouped" : "") << (weighted ? " weighted" : "") << ": CPU " << cpu
              << ", GPU " << gpu.value);
    CHECK_FALSE(gpu.nan_index);
    CHECK(std::isfinite(cpu));
    CHECK(gpu.value == cpu);
  }
}

TEST_CASE("CUDA rank sweeps report the first NaN score", "[cuda]") {
  RankData data;
  data.groups = {0, 3, 7};
  data.scores = {0.1f, 0.2f, 0.3f, 0.4f, std::nanf(""), 0.6f, std::nanf("")};
  data.labels = {0, 1, 0, 1, 0, 1, 0};
  const DeviceRank gpu = OnDevice(*CreateMetric("ndcg"), data);
  REQUIRE(gpu.nan_index);
  CHECK(*gpu.nan_index == 4);
  CHECK_THROWS_WITH(CreateMetric("ndcg")->Evaluate(InputOf(data)),
                    Catch::Contains("prediction at row 4 is NaN"));
}

namespace {

// auc or aucpr with query groups as the evaluator runs them: RankGroups on the host, the group
// sums on the device, FinishGroupAuc.
DeviceRank GroupAucOnDevice(bool roc, const RankData& data) {
  const auto metric = CreateMetric(roc ? "auc" : "aucpr");
  const DeviceForm form = DeviceFormOf(*metric);
  REQUIRE(form.auc == roc);
  const RankGroups groups = form.rank_groups(InputOf(data));
  const auto d_scores = test::ToDevice(data.scores);
  const auto d_labels = test::ToDevice(data.labels);
  const auto d_ptr = test::ToDevice(groups.ptr);
  const auto d_order = test::ToDevice(groups.label_order);
  const Stream stream;
  const std::size_t count = groups.ptr.size() - 1, rows = data.labels.size();
  const DeviceGroupSums sums = roc ? GroupPairSumsOf(stream.View(), d_scores.data(), d_order.data(),
                                                     d_ptr.data(), count, rows)
                                   : GroupPrAreasOf(stream.View(), d_scores.data(), d_labels.data(),
                                                    d_ptr.data(), count, rows);
  DeviceRank result{0.0, sums.sums, sums.nan_index};
  if (!sums.nan_index) result.value = FinishGroupAuc(roc, groups, sums.sums);
  return result;
}

}  // namespace

TEST_CASE("CUDA grouped auc of hand-made groups", "[cuda]") {
  // Group 0 by descending label: rows 2 (score 0.1), 0 (0.5), then 1 and 3 (0.2, 0.2, row order).
  // Pairs: (2,0) 0, (2,1) 0, (2,3) 0, (0,1) 1, (0,3) 1, (1,3) 0.5: 2.5 of 6. Group 1 has 2 rows,
  // too few (XGBoost skips it).
  RankData data;
  data.groups = {0, 4, 6};
  data.scores = {0.5f, 0.2f, 0.1f, 0.2f, 0.3f, 0.4f};
  data.labels = {1.0f, 0.0f, 2.0f, 0.0f, 1.0f, 0.0f};
  const DeviceRank auc = GroupAucOnDevice(true, data);
  REQUIRE(auc.sums.size() == 2);
  CHECK(auc.sums[0] == 2.5);
  CHECK(auc.value == 2.5 / 6.0);
  CHECK(auc.value == CreateMetric("auc")->Evaluate(InputOf(data)));
  // aucpr of group 0 with labels 1 0 1 0 and scores 0.5 0.2 0.1 0.2: runs {0.5: pos}, {0.2, 0.2:
  // two neg}, {0.1: pos}; group 1 (scores 0.3 pos, 0.4 neg) has both classes too.
  data.labels = {1.0f, 0.0f, 1.0f, 0.0f, 1.0f, 0.0f};
  const DeviceRank pr = GroupAucOnDevice(false, data);
  REQUIRE(pr.sums.size() == 2);
  CHECK(pr.value == Approx(CreateMetric("aucpr")->Evaluate(InputOf(data))).epsilon(1e-12));
  // Group 1 ranks its negative first: one flat segment, then the positive's, 1 - ln 2 (Keilwagen
  // et al.'s interpolation).
  CHECK(pr.sums[1] == Approx(1.0 - std::log(2.0)).epsilon(1e-12));
}

TEST_CASE("CUDA grouped auc and aucpr give the host metrics' values", "[cuda]") {
  const bool roc = GENERATE(true, false);
  const bool weighted = GENERATE(false, true);
  const bool soft = GENERATE(false, true);  // aucpr: labels in [0, 1]; auc: grades 0-4
  std::mt19937_64 rng(roc * 4 + weighted * 2 + soft + 7);
  RankData data;
  AddRandomGroups(data, rng, 1500, 80, 0.5f, 5, weighted);
  const std::size_t rows = data.groups.back();
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (std::size_t i = 0; i < rows; ++i) {
    const auto level = static_cast<int>(rng() % 10) - 3;  // ties, and -0 with +0
    data.scores.push_back(level == 0 && i % 2 == 0 ? -0.0f : 0.25f * static_cast<float>(level));
    if (roc) {
      data.labels.push_back(static_cast<float>(soft ? rng() % 5 : rng() % 2));
    } else {
      data.labels.push_back(soft ? std::round(u(rng) * 8.0f) / 8.0f
                                 : (rng() % 3 == 0 ? 1.0f : 0.0f));
    }
  }
  const double cpu = CreateMetric(roc ? "auc" : "aucpr")->Evaluate(InputOf(data));
  const DeviceRank gpu = GroupAucOnDevice(roc, data);
  INFO((roc ? "auc" : "aucpr") << (weighted ? " weighted" : "") << (soft ? " soft" : "") << ": CPU "
                               << cpu << ", GPU " << gpu.value);
  CHECK_FALSE(gpu.nan_index);
  CHECK(std::isfinite(cpu));
  if (roc || test::kCudaEmulated) {
    CHECK(gpu.value == cpu);  // pair sums are exact; aucpr calls log, CUDA's within 1 ulp
  } else {
    CHECK(gpu.value == Approx(cpu).epsilon(1e-12));
  }
}

TEST_CASE("CUDA grouped auc and aucpr report the first NaN score", "[cuda]") {
  RankData data;
  data.groups = {0, 3, 7};
  data.scores = {0.1f, 0.2f, 0.3f, 0.4f, std::nanf(""), 0.6f, std::nanf("")};
  data.labels = {0, 1, 0, 1, 0, 1, 0};
  for (const bool roc : {true, false}) {
    const DeviceRank gpu = GroupAucOnDevice(roc, data);
    REQUIRE(gpu.nan_index);
    CHECK(*gpu.nan_index == 4);
  }
}
