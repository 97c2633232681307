// The registry (names, `@` parameters, directions) and every error message.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "grove/errors.h"
#include "metrics/factories.h"
#include "tests/metrics/metric_test_util.h"

namespace grove::test {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

TEST_CASE("metric names are XGBoost's, canonical as XGBoost prints them", "[unit]") {
  CHECK(CreateMetric("auc")->Name() == "auc");
  CHECK(CreateMetric("error")->Name() == "error");
  CHECK(CreateMetric("error@0.5")->Name() == "error");  // XGBoost drops the default threshold
  CHECK(CreateMetric("error@0.3")->Name() == "error@0.3");
  CHECK(CreateMetric("error@0.30000")->Name() == "error@0.3");
  CHECK(CreateMetric("error@1e-7")->Name() == "error@1e-07");
  CHECK(CreateMetric("tweedie-nloglik")->Name() == "tweedie-nloglik@1.5");
  CHECK(CreateMetric("tweedie-nloglik@1.2500")->Name() == "tweedie-nloglik@1.25");
  CHECK(CreateMetric("tweedie-nloglik@1")->Name() == "tweedie-nloglik@1");
  CHECK(CreateMetric("ndcg")->Name() == "ndcg");
  CHECK(CreateMetric("ndcg-")->Name() == "ndcg-");
  CHECK(CreateMetric("ndcg@10")->Name() == "ndcg@10");
  CHECK(CreateMetric("ndcg@010")->Name() == "ndcg@10");
  CHECK(CreateMetric("map@3-")->Name() == "map@3-");
  CHECK(CreateMetric("map-")->Name() == "map-");
}

TEST_CASE("every registered metric is created and has its direction", "[unit]") {
  const std::vector<std::string> names = MetricNames();
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(names.size() == 30);
  const std::vector<std::string> higher = {
      "accuracy", "auc",       "aucpr",           "balanced_accuracy",
      "f1",       "f1_binary", "f1_macro",        "map",
      "ndcg",     "precision", "precision_macro", "precision_micro",
      "r2",       "recall",    "recall_macro",    "recall_micro"};
  for (const std::string& name : names) {
    INFO(name);
    const auto metric = CreateMetric(name);
    const bool expected = std::find(higher.begin(), higher.end(), name) != higher.end();
    CHECK(metric->HigherIsBetter() == expected);
    CHECK(metric->Name().rfind(name, 0) == 0);
  }
  CHECK(CreateMetric("ndcg@5-")->HigherIsBetter());
  CHECK_FALSE(CreateMetric("error@0.7")->HigherIsBetter());
}

TEST_CASE("empty input and zero total weight give NaN for every metric", "[unit]") {
  for (const std::string& name : MetricNames()) {
    INFO(name);
    const auto metric = CreateMetric(name);
    const bool multi = name == "merror" || name == "mlogloss";
    const MetricCase empty{{}, {}, {}, {}, multi ? 2u : 1u};
    CHECK(std::isnan(metric->Evaluate(empty.Input())));
    const MetricCase zero{
        multi ? std::vector<float>{0.25f, 0.75f, 0.75f, 0.25f} : std::vector<float>{0.25f, 0.75f},
        {1, 1},
        {0, 0},
        {},
        multi ? 2u : 1u};
    CHECK(std::isnan(metric->Evaluate(zero.Input())));
  }
}

TEST_CASE("auc and aucpr are NaN when only one class is present", "[unit]") {
  // XGBoost 1.7.4 prints nan (all negative) or fails a CHECK (all positive); grove gives NaN
  // in both cases so that one-class validation data does not stop training.
  for (const char* name : {"auc", "aucpr"}) {
    INFO(name);
    CHECK(std::isnan(Evaluate(name, {{0.25f, 0.75f}, {1, 1}})));
    CHECK(std::isnan(Evaluate(name, {{0.25f, 0.75f}, {0, 0}})));
    CHECK(std::isnan(Evaluate(name, {{0.25f, 0.75f}, {1, 0}, {1, 0}})));  // weighted away
    // multi-class with class 2 absent
    CHECK(
        std::isnan(Evaluate(name, {{0.5f, 0.25f, 0.25f, 0.25f, 0.5f, 0.25f}, {0, 1}, {}, {}, 3})));
  }
}

void CheckThrows(std::string_view name, const MetricCase& c, const std::string& message) {
  INFO(name);
  CHECK_THROWS_MATCHES(Evaluate(name, c), InvalidInput, Catch::Matchers::Message(message));
}

void CheckCreateThrows(std::string_view name, const std::string& message) {
  INFO(name);
  CHECK_THROWS_MATCHES(CreateMetric(name), InvalidInput, Catch::Matchers::Message(message));
}

TEST_CASE("unknown names suggest the closest metric", "[unit]") {
  CheckCreateThrows("aucc", "unknown metric \"aucc\"; did you mean \"auc\"?");
  CheckCreateThrows("AUC", "unknown metric \"AUC\"; did you mean \"auc\"?");
  CheckCreateThrows("rmsee", "unknown metric \"rmsee\"; did you mean \"rmse\"?");
  CheckCreateThrows("tweedie@1.5", "unknown metric \"tweedie\"; did you mean \"tweedie-nloglik\"?");
  CheckCreateThrows("ndgc@5", "unknown metric \"ndgc\"; did you mean \"ndcg\"?");
  CheckCreateThrows("rmse-", "unknown metric \"rmse-\"; did you mean \"rmse\"?");
}

TEST_CASE("bad @ parameters name the accepted form", "[unit]") {
  const std::string error_form =
      "expected error or error@t with a number t (e.g. error@0.3: a prediction > t counts as "
      "positive)";
  CheckCreateThrows("error@x", "metric \"error@x\": bad @ parameter; " + error_form);
  CheckCreateThrows("error@.25x", "metric \"error@.25x\": bad @ parameter; " + error_form);
  CheckCreateThrows("error@", "metric \"error@\": bad @ parameter; " + error_form);
  CheckCreateThrows("error@inf", "metric \"error@inf\": bad @ parameter; " + error_form);
  const std::string ndcg_form =
      "expected ndcg, ndcg-, ndcg@k or ndcg@k- with an integer k >= 1 (e.g. ndcg@10)";
  for (const char* name : {"ndcg@-1", "ndcg@0", "ndcg@2.5", "ndcg@", "ndcg@-", "ndcg@ 3",
                           "ndcg@3--", "ndcg@+3", "ndcg@99999999999"}) {
    CheckCreateThrows(name, fmt::format("metric \"{}\": bad @ parameter; {}", name, ndcg_form));
  }
  CheckCreateThrows("map@x",
                    "metric \"map@x\": bad @ parameter; expected map, map-, map@k or "
                    "map@k- with an integer k >= 1 (e.g. map@10)");
  const std::string rho_form =
      "expected tweedie-nloglik@rho with rho in [1, 2) (e.g. "
      "tweedie-nloglik@1.5)";
  for (const char* name : {"tweedie-nloglik@3", "tweedie-nloglik@2", "tweedie-nloglik@0.99",
                           "tweedie-nloglik@nan", "tweedie-nloglik@1.5x"}) {
    CheckCreateThrows(name, fmt::format("metric \"{}\": bad @ parameter; {}", name, rho_form));
  }
  CheckCreateThrows("rmse@2", "metric \"rmse@2\": \"rmse\" takes no @ parameter; write \"rmse\"");
  CheckCreateThrows("auc@0.5", "metric \"auc@0.5\": \"auc\" takes no @ parameter; write \"auc\"");
  CHECK_THROWS_MATCHES(metric_impl::MakePseudoHuber(0.0), InvalidInput,
                       Catch::Matchers::Message("mphe: huber_slope is 0; expected a finite "
                                                "number > 0"));
}

TEST_CASE("labels outside a metric's domain name the metric, row and value", "[unit]") {
  CheckThrows("logloss", {{0.5f, 0.5f}, {1, 2}},
              "logloss: label 2 at row 1 is not in [0, 1] (a 0/1 class or a probability)");
  CheckThrows("error", {{0.5f}, {-1}},
              "error: label -1 at row 0 is not in [0, 1] (a 0/1 class or a probability)");
  CheckThrows("auc", {{0.5f, 0.5f}, {0, 1.5f}},
              "auc: label 1.5 at row 1 is not in [0, 1] (a 0/1 class or a probability)");
  CheckThrows("poisson-nloglik", {{1, 1}, {0, -1}},
              "poisson-nloglik: label -1 at row 1 is not a finite number >= 0");
  CheckThrows("tweedie-nloglik@1.5", {{1}, {-0.5f}},
              "tweedie-nloglik@1.5: label -0.5 at row 0 is not a finite number >= 0");
  CheckThrows("gamma-deviance", {{1}, {0}},
              "gamma-deviance: label 0 at row 0 is not a finite number > 0");
  CheckThrows("gamma-nloglik", {{1}, {-2}},
              "gamma-nloglik: label -2 at row 0 is not a finite number > 0");
  CheckThrows("mape", {{1, 1}, {1, 0}},
              "mape: label 0 at row 1 is not a finite nonzero number (mape divides by the label; "
              "use mae when labels can be 0)");
  CheckThrows("rmsle", {{1}, {-1}},
              "rmsle: label -1 at row 0 is not a finite number > -1 (rmsle takes log1p of it)");
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CheckThrows("rmse", {{1, 1}, {1, nan}}, "rmse: label nan at row 1 is not a finite number");
  CheckThrows("accuracy", {{0.5f}, {0.5f}}, "accuracy: label 0.5 at row 0 is not 0 or 1");
  CheckThrows("merror", {{0.5f, 0.5f}, {2}, {}, {}, 2},
              "merror: label 2 at row 0 is not an integer class in [0, 2)");
  CheckThrows("mlogloss", {{0.5f, 0.5f}, {0.5f}, {}, {}, 2},
              "mlogloss: label 0.5 at row 0 is not an integer class in [0, 2)");
  CheckThrows("f1", {{0.5f, 0.5f, 0.5f}, {3}, {}, {}, 3},
              "f1: label 3 at row 0 is not an integer class in [0, 3)");
  CheckThrows("ndcg", {{1, 2}, {1.5f, 0}},
              "ndcg: label 1.5 at row 0 is not an integer relevance grade in [0, 31]");
  CheckThrows("ndcg@3", {{1, 2}, {0, 32}},
              "ndcg@3: label 32 at row 1 is not an integer relevance grade in [0, 31]");
  CheckThrows("map", {{1, 2}, {0, -1}},
              "map: label -1 at row 1 is not an integer relevance grade >= 0 (0 = not relevant)");
  CheckThrows("aucpr", {{1, 2, 3}, {0, 1, 2}, {}, {0, 3}},
              "aucpr: label 2 at row 2 is not in [0, 1] (aucpr with query groups needs binary "
              "relevance)");
}

TEST_CASE("shape errors: predictions, outputs, weights", "[unit]") {
  CheckThrows("rmse", {{1, 2, 3}, {1, 2}},
              "rmse: got 3 predictions for 2 labels with num_outputs = 1; expected 2 (rows × "
              "num_outputs, row-major)");
  CheckThrows("auc", {{0.5f, 0.5f, 0.5f}, {0, 1}, {}, {}, 2},
              "auc: got 3 predictions for 2 labels with num_outputs = 2; expected 4 (rows × "
              "num_outputs, row-major)");
  CheckThrows("rmse", {{}, {}, {}, {}, 0},
              "rmse: num_outputs is 0; expected 1 (one prediction per row) or the number of "
              "classes");
  CheckThrows("error", {{0.2f, 0.3f, 0.5f}, {1}, {}, {}, 3},
              "error: expects one prediction per row (num_outputs = 1), got num_outputs = 3; use "
              "merror or mlogloss for multi-class output");
  CheckThrows("logloss", {{0.2f, 0.8f}, {1}, {}, {}, 2},
              "logloss: expects one prediction per row (num_outputs = 1), got num_outputs = 2; "
              "use merror or mlogloss for multi-class output");
  CheckThrows("mlogloss", {{0.2f}, {1}},
              "mlogloss: expects class probabilities (num_outputs >= 2), got num_outputs = 1; use "
              "logloss for binary output");
  CheckThrows("merror", {{0.2f}, {1}},
              "merror: expects class probabilities (num_outputs >= 2), got num_outputs = 1; use "
              "error for binary output");
  CheckThrows("precision", {{0.2f, 0.8f}, {1}, {}, {}, 2},
              "precision: expects one prediction per row (num_outputs = 1), got num_outputs = 2; "
              "use precision_macro or precision_micro for multi-class output");
  CheckThrows("f1_binary", {{0.2f, 0.8f}, {1}, {}, {}, 2},
              "f1_binary: expects one prediction per row (num_outputs = 1), got num_outputs = 2; "
              "use f1 (macro) or f1_macro for multi-class output");
  CheckThrows("ndcg", {{0.2f, 0.8f}, {1}, {}, {}, 2},
              "ndcg: expects one prediction per row (num_outputs = 1), got num_outputs = 2; "
              "ranking metrics need one score per row");
  CheckThrows("rmse", {{1, 2}, {1, 2}, {1}},
              "rmse: got 1 weights for 2 rows; expected one per row (or none for unit weights)");
  CheckThrows("auc", {{0.5f, 0.5f}, {0, 1}, {1, -1}},
              "auc: weight -1 at row 1 is not a finite number >= 0");
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CheckThrows("auc", {{0.5f, nan}, {0, 1}}, "auc: prediction at row 1 is NaN");
  CheckThrows("aucpr", {{0.5f, 0.5f, nan, 0.5f}, {0, 1}, {}, {}, 2},
              "aucpr: prediction at row 1, class 0 is NaN");
  CheckThrows("ndcg", {{0.5f, nan}, {0, 1}}, "ndcg: prediction at row 1 is NaN");
}

TEST_CASE("query group errors", "[unit]") {
  const std::string form =
      "ndcg: groups must be query boundaries 0 = g[0] < g[1] < ... < g[last] = 4 (the row "
      "count), one more than the number of groups; ";
  const std::vector<float> p = {1, 2, 3, 4}, y = {0, 1, 0, 1};
  CheckThrows("ndcg", {p, y, {}, {1, 4}}, form + "got g[0] = 1");
  CheckThrows("ndcg", {p, y, {}, {0, 3}}, form + "got g[1] = 3");
  CheckThrows("ndcg", {p, y, {}, {0, 2, 2, 4}}, form + "got g[2] = 2 after g[1] = 2");
  CheckThrows("ndcg", {p, y, {}, {0}}, form + "got 1 value(s)");
  CheckThrows("map", {p, y, {1, 2, 3}, {0, 2, 4}},
              "map: got 3 weights for 2 query groups and 4 rows; ranking weights are per group "
              "(give 2 weights, or 4 per-row weights equal within each group)");
  CheckThrows("map", {p, y, {1, 1, 2, 3}, {0, 2, 4}},
              "map: ranking weights are per query group, but rows 2 and 3 of group 1 have "
              "weights 2 and 3 (give one weight per group, or equal weights within each group)");
  CheckThrows("auc", {p, y, {1, -2}, {0, 2, 4}},
              "auc: weight -2 of group 1 is not a finite number >= 0");
  CheckThrows("auc", {{0.5f, 0.5f, 0.5f, 0.5f}, {0, 1}, {}, {0, 2}, 2},
              "auc: expects one prediction per row (num_outputs = 1), got num_outputs = 2; "
              "query groups need one score per row");
}

}  // namespace
}  // namespace grove::test
