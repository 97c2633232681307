// metrics/row_form.h: which metrics a device evaluates from row terms, and that each form,
// with the parameters the metric was made with, gives the metric's own value.
#include "metrics/row_form.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "grove/metrics.h"

namespace grove {
namespace {

// Σ w·RowTerm over kMetricBlockRows blocks, blocks added in order (metrics/common.h's SumRows).
double ByForm(const RowMetric& form, const std::vector<float>& predictions, std::size_t outputs,
              const std::vector<float>& labels, const std::vector<float>& weights) {
  double weighted = 0.0, weight = 0.0;
  for (std::size_t begin = 0; begin < labels.size(); begin += kMetricBlockRows) {
    double block_weighted = 0.0, block_weight = 0.0;
    for (std::size_t i = begin; i < std::min(labels.size(), begin + kMetricBlockRows); ++i) {
      const double w = weights.empty() ? 1.0f : weights[i];
      block_weighted += w * RowTerm(form, predictions.data() + i * outputs, outputs, labels[i]);
      block_weight += weights.empty() ? 1.0f : weights[i];
    }
    weighted += block_weighted;
    weight += block_weight;
  }
  return FinishRowMetric(form, weighted, weight);
}

}  // namespace

TEST_CASE("the row-mean metrics, and only they, have a row form", "[unit]") {
  const std::set<std::string> with_form = {
      "accuracy", "error", "gamma-deviance", "gamma-nloglik",   "logloss",
      "mae",      "mape",  "merror",         "mlogloss",        "mphe",
      "mse",      "rmse",  "rmsle",          "poisson-nloglik", "tweedie-nloglik"};
  for (const std::string& name : MetricNames()) {
    INFO(name);
    CHECK(RowFormOf(*CreateMetric(name)).has_value() == (with_form.count(name) == 1));
  }
}

TEST_CASE("each row form gives its metric's value, parameters included", "[unit]") {
  struct Case {
    const char* name;
    std::size_t outputs;
  };
  // error@0.3 and error differ on the predictions in (0.3, 0.5]; tweedie's rho and the
  // sqrt of rmse/rmsle change every value.
  const Case c =
      GENERATE(Case{"rmse", 1}, Case{"mse", 1}, Case{"rmsle", 1}, Case{"mae", 1}, Case{"mape", 1},
               Case{"mphe", 1}, Case{"logloss", 1}, Case{"error", 1}, Case{"error@0.3", 1},
               Case{"error@0.7", 1}, Case{"accuracy", 1}, Case{"poisson-nloglik", 1},
               Case{"gamma-deviance", 1}, Case{"gamma-nloglik", 1}, Case{"tweedie-nloglik", 1},
               Case{"tweedie-nloglik@1.2", 1}, Case{"tweedie-nloglik@1", 1}, Case{"mlogloss", 4},
               Case{"merror", 4}, Case{"accuracy", 4});
  const bool weighted = GENERATE(false, true);
  const std::string name = c.name;
  const std::size_t rows = 2 * kMetricBlockRows + 17;
  std::mt19937_64 rng(rows + c.outputs);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const bool unit = name == "logloss" || name.rfind("error", 0) == 0 || name == "accuracy";
  std::vector<float> predictions(rows * c.outputs), labels(rows), weights;
  for (std::size_t i = 0; i < rows; ++i) {
    if (c.outputs > 1) {
      for (std::size_t j = 0; j < c.outputs; ++j) predictions[i * c.outputs + j] = u(rng);
      labels[i] = static_cast<float>(rng() % c.outputs);
    } else if (unit) {
      predictions[i] = u(rng);
      labels[i] = rng() % 2 == 0 ? 1.0f : 0.0f;
    } else {
      predictions[i] = 0.1f + 9.0f * u(rng);
      labels[i] = 0.1f + 9.0f * u(rng);
    }
    if (weighted) weights.push_back(0.5f + u(rng));
  }
  const std::unique_ptr<Metric> metric = CreateMetric(name);
  const std::optional<RowMetric> form = RowFormOf(*metric);
  REQUIRE(form.has_value());
  MetricInput in;
  in.predictions = predictions;
  in.labels = labels;
  in.weights = weights;
  in.num_outputs = c.outputs;
  INFO(name << (weighted ? ", weighted" : ""));
  CHECK(ByForm(*form, predictions, c.outputs, labels, weights) == metric->Evaluate(in));
}

TEST_CASE("the row forms carry the metrics' parameters", "[unit]") {
  CHECK(RowFormOf(*CreateMetric("error@0.3"))->threshold == 0.3f);
  CHECK(RowFormOf(*CreateMetric("error"))->threshold == 0.5f);
  CHECK(RowFormOf(*CreateMetric("tweedie-nloglik@1.2"))->param == 1.2);
  CHECK(RowFormOf(*CreateMetric("mphe"))->param == 1.0);
  CHECK(RowFormOf(*CreateMetric("rmse"))->sqrt_of_mean);
  CHECK_FALSE(RowFormOf(*CreateMetric("mse"))->sqrt_of_mean);
  CHECK(RowFormOf(*CreateMetric("rmsle"))->sqrt_of_mean);
}

TEST_CASE("every metric has exactly one device form", "[unit]") {
  const std::set<std::string> class_counts = {
      "balanced_accuracy", "f1",     "f1_binary",    "f1_macro",    "precision", "precision_macro",
      "precision_micro",   "recall", "recall_macro", "recall_micro"};
  for (const std::string& name : MetricNames()) {
    INFO(name);
    const DeviceForm form = DeviceFormOf(*CreateMetric(name));
    const int forms = int{form.row.has_value()} + int{form.r2} + int{bool(form.class_counts)} +
                      int{form.rank.has_value()} + int{form.auc.has_value()};
    CHECK(forms == 1);
    CHECK(form.r2 == (name == "r2"));
    CHECK(bool(form.class_counts) == (class_counts.count(name) == 1));
    CHECK(form.rank.has_value() == (name == "ndcg" || name == "map"));
    CHECK(form.auc == (name == "auc"     ? std::optional<bool>(true)
                       : name == "aucpr" ? std::optional<bool>(false)
                                         : std::nullopt));
    CHECK(bool(form.rank_groups) == (form.rank.has_value() || form.auc.has_value()));
  }
  // The ranking forms carry @k and "-".
  const DeviceForm map = DeviceFormOf(*CreateMetric("map@5-"));
  REQUIRE(map.rank.has_value());
  CHECK(map.rank->kind == RankKind::kMap);
  CHECK(map.rank->top_k == 5);
  CHECK(map.rank->minus);
  const DeviceForm ndcg = DeviceFormOf(*CreateMetric("ndcg"));
  CHECK(ndcg.rank->kind == RankKind::kNdcg);
  CHECK(ndcg.rank->top_k == SIZE_MAX);
  CHECK_FALSE(ndcg.rank->minus);
}

// The host's own pieces of the device forms, on hand-computed sets.
TEST_CASE("the device forms' host pieces give hand-computed values", "[unit]") {
  // r2: labels 1 2 3 4, predictions 1 2 3 5: residual 1, mean 2.5, spread 5, r2 = 0.8.
  R2Sums sums;
  const float y[] = {1, 2, 3, 4}, p[] = {1, 2, 3, 5};
  for (int i = 0; i < 4; ++i) AddR2Row(sums, y[i], p[i], 1.0f);
  CHECK(sums.residual == 1.0);
  CHECK(sums.label == 10.0);
  CHECK(sums.weight == 4.0);
  REQUIRE(R2Defined(4, sums));
  double spread = 0.0;
  for (int i = 0; i < 4; ++i) spread += R2SpreadTerm(y[i], 2.5, 1.0f);
  CHECK(spread == 5.0);
  CHECK(FinishR2(sums, spread) == Approx(0.8).epsilon(1e-15));
  CHECK_FALSE(R2Defined(1, sums));

  // Class counts of 3 classes: f1_macro is the mean of per-class f1 over the seen classes.
  ClassCounts counts(3);
  counts.hit = {2, 1, 0};
  counts.truth = {3, 2, 0};
  counts.predicted = {2, 3, 0};
  counts.seen = {1, 1, 0};
  // class 0: precision 1, recall 2/3, f1 0.8; class 1: 1/3, 1/2, f1 0.4.
  CHECK(DeviceFormOf(*CreateMetric("f1_macro")).class_counts(counts, 5) ==
        Approx(0.6).epsilon(1e-15));
  CHECK(DeviceFormOf(*CreateMetric("precision_micro")).class_counts(counts, 5) ==
        Approx(3.0 / 5.0).epsilon(1e-15));
  CHECK(DeviceFormOf(*CreateMetric("balanced_accuracy")).class_counts(counts, 5) ==
        Approx((2.0 / 3.0 + 0.5) / 2.0).epsilon(1e-15));

  // Ranking: two groups, weights 1 and 3; ndcg sums 1 and 0.5 over ideals 2 and 0 (0: scores 1).
  RankGroups groups{{0, 2, 5}, {1.0, 3.0}, {2.0, 0.0}, {}};
  const std::vector<double> group_sums = {1.0, 0.5};
  CHECK(FinishRank(RankMetric{}, groups, group_sums) == (1.0 * 0.5 + 3.0 * 1.0) / 4.0);
  CHECK(FinishRank(RankMetric{RankKind::kNdcg, SIZE_MAX, true}, groups, group_sums) ==
        (1.0 * 0.5) / 4.0);
}

}  // namespace grove
