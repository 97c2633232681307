// Objectives: gradients, transforms, label checks, base scores and adaptive leaves against values
// derived by hand in the comments (XGBoost's formulas; see docs/objectives.md).
#include "engine/src/objective.h"

#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "grove/errors.h"
#include "grove/params.h"

namespace grove {
namespace {

std::unique_ptr<Objective> Make(const std::string& name, int num_class = 0) {
  TrainParams params;
  params.objective = name;
  if (num_class > 0) params.num_class = num_class;
  return Objective::Create(params);
}

std::vector<GradientPair> Grad(const Objective& objective, std::vector<float> margins,
                               std::vector<float> labels, std::vector<float> weights = {}) {
  std::vector<GradientPair> out(margins.size());
  objective.Gradients(Context{}, margins, labels, weights, out);
  return out;
}

std::vector<float> Transformed(const Objective& objective, std::vector<float> values) {
  objective.Transform(Context{}, values);
  return values;
}

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

}  // namespace

TEST_CASE("squared error: g = p - y, h = 1, times the weight", "[unit]") {
  const auto g =
      Grad(*Make("reg:squarederror"), {2.0f, -1.0f, 2.0f}, {0.5f, 3.0f, 0.5f}, {1.0f, 1.0f, 2.0f});
  CHECK(g[0].grad == 1.5f);  // 2 - 0.5
  CHECK(g[0].hess == 1.0f);
  CHECK(g[1].grad == -4.0f);  // -1 - 3
  CHECK(g[2].grad == 3.0f);   // weight 2: 2 * 1.5
  CHECK(g[2].hess == 2.0f);
  CHECK(Make("reg:linear")->Name() == "reg:squarederror");
}

TEST_CASE("logistic: g = sigmoid(m) - y, h = max(p (1 - p), 1e-16)", "[unit]") {
  for (const char* name : {"binary:logistic", "reg:logistic", "binary:logitraw"}) {
    INFO(name);
    // m = 0: p = 1 / (1 + 1 + 1e-16f) = 0.5 exactly; m = ln 3: p = 1 / (1 + 1/3) = 0.75.
    const auto g =
        Grad(*Make(name), {0.0f, 0.0f, std::log(3.0f), -100.0f}, {1.0f, 0.0f, 0.0f, 1.0f});
    CHECK(g[0].grad == -0.5f);
    CHECK(g[0].hess == 0.25f);
    CHECK(g[1].grad == 0.5f);
    CHECK(g[2].grad == Approx(0.75).epsilon(1e-6));
    CHECK(g[2].hess == Approx(0.1875).epsilon(1e-6));  // 0.75 * 0.25
    // m = -100: p ~ 3e-39, so p (1 - p) is below the 1e-16 floor.
    CHECK(g[3].grad == Approx(-1.0).epsilon(1e-7));
    CHECK(g[3].hess == 1e-16f);
  }
}

TEST_CASE("scale_pos_weight scales rows with label 1 in XGBoost's RegLossObj family", "[unit]") {
  TrainParams params;
  params.objective = "binary:logistic";
  params.scale_pos_weight = 3.0;
  // At m = 0: label 1 -> w = 3: g = -0.5 * 3, h = 0.25 * 3; label 0 unchanged; label 1 with
  // weight 2 -> w = 6.
  auto g =
      Grad(*Objective::Create(params), {0.0f, 0.0f, 0.0f}, {1.0f, 0.0f, 1.0f}, {1.0f, 1.0f, 2.0f});
  CHECK(g[0].grad == -1.5f);
  CHECK(g[0].hess == 0.75f);
  CHECK(g[1].grad == 0.5f);
  CHECK(g[1].hess == 0.25f);
  CHECK(g[2].grad == -3.0f);
  CHECK(g[2].hess == 1.5f);
  // XGBoost applies it to reg:squarederror too (label exactly 1 only).
  params.objective = "reg:squarederror";
  g = Grad(*Objective::Create(params), {0.0f, 0.0f}, {1.0f, 1.5f});
  CHECK(g[0].grad == -3.0f);
  CHECK(g[0].hess == 3.0f);
  CHECK(g[1].grad == -1.5f);
  // ... but not to count:poisson: g = e^0 - 1 = 0, h = e^0.7.
  params.objective = "count:poisson";
  g = Grad(*Objective::Create(params), {0.0f}, {1.0f});
  CHECK(g[0].grad == 0.0f);
  CHECK(g[0].hess == Approx(2.0137527).epsilon(1e-6));
}

TEST_CASE("hinge: y' = 2y - 1; inside the margin g = -y' w, h = w, else 0 and FLT_MIN", "[unit]") {
  const auto g = Grad(*Make("binary:hinge"), {0.5f, 2.0f, 0.5f, -3.0f, 0.0f},
                      {1.0f, 1.0f, 0.0f, 0.0f, 0.0f}, {1.0f, 1.0f, 1.0f, 2.0f, 2.0f});
  CHECK(g[0].grad == -1.0f);  // 0.5 * 1 < 1
  CHECK(g[0].hess == 1.0f);
  CHECK(g[1].grad == 0.0f);  // 2 * 1 >= 1
  CHECK(g[1].hess == FLT_MIN);
  CHECK(g[2].grad == 1.0f);  // 0.5 * -1 < 1: g = -(-1)
  CHECK(g[3].grad == 0.0f);  // -3 * -1 >= 1: the hessian is not weighted
  CHECK(g[3].hess == FLT_MIN);
  CHECK(g[4].grad == 2.0f);  // weight 2
  CHECK(g[4].hess == 2.0f);
}

TEST_CASE("pseudo-Huber: g = z / sqrt(1 + z^2/d^2), h = d^2 / ((d^2 + z^2) sqrt(...))", "[unit]") {
  // d = 1, z = 0.25 - 1 = -0.75: sqrt(1.5625) = 1.25, g = -0.6, h = 1 / (1.5625 * 1.25) = 0.512.
  auto g = Grad(*Make("reg:pseudohubererror"), {0.25f, 0.25f}, {1.0f, 1.0f}, {1.0f, 2.0f});
  CHECK(g[0].grad == Approx(-0.6).epsilon(1e-6));
  CHECK(g[0].hess == Approx(0.512).epsilon(1e-6));
  CHECK(g[1].grad == Approx(-1.2).epsilon(1e-6));
  CHECK(g[1].hess == Approx(1.024).epsilon(1e-6));
  // d = 2, z = 3: sqrt(1 + 9/4) = 1.8027756; g = 3 / 1.8027756, h = 4 / (13 * 1.8027756).
  TrainParams params;
  params.objective = "reg:pseudohubererror";
  params.huber_slope = 2.0;
  g = Grad(*Objective::Create(params), {3.0f}, {0.0f});
  CHECK(g[0].grad == Approx(1.6641006).epsilon(1e-6));
  CHECK(g[0].hess == Approx(0.17067698).epsilon(1e-6));
}

TEST_CASE("absolute error: g = sign(p - y) w, h = w", "[unit]") {
  const auto g = Grad(*Make("reg:absoluteerror"), {1.0f, 5.0f, 3.0f, 1.0f},
                      {3.0f, 3.0f, 3.0f, 3.0f}, {1.0f, 1.0f, 1.0f, 2.5f});
  CHECK(g[0].grad == -1.0f);
  CHECK(g[0].hess == 1.0f);
  CHECK(g[1].grad == 1.0f);
  CHECK(g[2].grad == 0.0f);  // sign(0) = 0
  CHECK(g[3].grad == -2.5f);
  CHECK(g[3].hess == 2.5f);
}

TEST_CASE("squared log error: g = (log1p p - log1p y)/(p+1), h = (1 - log1p p + log1p y)/(p+1)^2",
          "[unit]") {
  // p = 1, y = 0: g = ln 2 / 2, h = (1 - ln 2) / 4. p = e - 1 = y: g = 0, h = 1 / e^2.
  // p = -2 is clamped to -1 + 1e-6 (as a float, p + 1 = 1.013279e-06).
  // p = 100, y = 0: 1 - ln 101 < 0, floored to 1e-6.
  const float e1 = std::expm1(1.0f);
  const auto g =
      Grad(*Make("reg:squaredlogerror"), {1.0f, e1, -2.0f, 100.0f}, {0.0f, e1, 0.0f, 0.0f});
  CHECK(g[0].grad == Approx(0.34657359).epsilon(1e-6));
  CHECK(g[0].hess == Approx(0.07671320).epsilon(1e-6));
  CHECK(g[1].grad == 0.0f);
  CHECK(g[1].hess == Approx(0.13533528).epsilon(1e-6));
  CHECK(g[2].grad == Approx(-13621440.4).epsilon(1e-5));
  CHECK(g[2].hess == Approx(1.4416894e13).epsilon(1e-5));
  CHECK(g[3].hess == 1e-6f);
}

TEST_CASE("log-link objectives: poisson, gamma, tweedie", "[unit]") {
  // Poisson: g = e^m - y, h = e^(m + 0.7) (XGBoost's objective default max_delta_step).
  auto g = Grad(*Make("count:poisson"), {0.0f, std::log(2.0f)}, {2.0f, 0.0f});
  CHECK(g[0].grad == -1.0f);
  CHECK(g[0].hess == Approx(2.0137527).epsilon(1e-6));
  CHECK(g[1].grad == Approx(2.0).epsilon(1e-6));
  CHECK(g[1].hess == Approx(4.0275054).epsilon(1e-6));
  TrainParams params;
  params.objective = "count:poisson";
  params.max_delta_step = 0.3;  // set by the user: replaces 0.7
  g = Grad(*Objective::Create(params), {0.0f}, {2.0f});
  CHECK(g[0].hess == Approx(1.3498588).epsilon(1e-6));
  // Gamma: g = 1 - y e^-m, h = y e^-m.
  g = Grad(*Make("reg:gamma"), {0.0f, std::log(2.0f)}, {3.0f, 1.0f}, {1.0f, 2.0f});
  CHECK(g[0].grad == -2.0f);
  CHECK(g[0].hess == 3.0f);
  CHECK(g[1].grad == Approx(1.0).epsilon(1e-6));  // weight 2: 2 * (1 - 1/2)
  CHECK(g[1].hess == Approx(1.0).epsilon(1e-6));
  // Tweedie rho = 1.5: g = -y e^(-m/2) + e^(m/2), h = 0.5 y e^(-m/2) + 0.5 e^(m/2).
  // m = 0, y = 2: g = -1, h = 1.5. m = ln 4, y = 1: g = -0.5 + 2 = 1.5, h = 0.25 + 1 = 1.25.
  g = Grad(*Make("reg:tweedie"), {0.0f, std::log(4.0f)}, {2.0f, 1.0f});
  CHECK(g[0].grad == -1.0f);
  CHECK(g[0].hess == 1.5f);
  CHECK(g[1].grad == Approx(1.5).epsilon(1e-6));
  CHECK(g[1].hess == Approx(1.25).epsilon(1e-6));
  // rho = 1.2, m = 0, y = 3: g = -3 + 1 = -2, h = 3 * 0.2 + 0.8 = 1.4.
  params.objective = "reg:tweedie";
  params.tweedie_variance_power = 1.2;
  g = Grad(*Objective::Create(params), {0.0f}, {3.0f});
  CHECK(g[0].grad == Approx(-2.0).epsilon(1e-6));
  CHECK(g[0].hess == Approx(1.4).epsilon(1e-6));
}

TEST_CASE("softmax: g_k = p_k - [k == y], h_k = max(2 p_k (1 - p_k) w, 1e-16)", "[unit]") {
  const auto objective = Make("multi:softprob", 3);
  REQUIRE(objective->NumOutputs() == 3);
  // Row 0: equal margins, p = 1/3: g = (1/3, -2/3, 1/3), h = 4/9; weight 2 doubles both.
  // Row 1: margins (0, ln 2, ln 5): p = (1/8, 2/8, 5/8), label 2.
  const auto g =
      Grad(*objective, {0, 0, 0, 0, std::log(2.0f), std::log(5.0f)}, {1.0f, 2.0f}, {2.0f, 1.0f});
  CHECK(g[0].grad == Approx(2.0 / 3).epsilon(1e-6));
  CHECK(g[1].grad == Approx(-4.0 / 3).epsilon(1e-6));
  CHECK(g[2].grad == Approx(2.0 / 3).epsilon(1e-6));
  CHECK(g[0].hess == Approx(8.0 / 9).epsilon(1e-6));
  CHECK(g[3].grad == Approx(0.125).epsilon(1e-6));
  CHECK(g[4].grad == Approx(0.25).epsilon(1e-6));
  CHECK(g[5].grad == Approx(-0.375).epsilon(1e-6));
  CHECK(g[3].hess == Approx(0.21875).epsilon(1e-6));
  CHECK(g[4].hess == Approx(0.375).epsilon(1e-6));
  CHECK(g[5].hess == Approx(0.46875).epsilon(1e-6));
}

TEST_CASE("transforms: sigmoid with XGBoost's clamp, exp, hinge class, softmax, argmax", "[unit]") {
  auto p = Transformed(*Make("binary:logistic"), {0.0f, std::log(3.0f), -100.0f, 100.0f});
  CHECK(p[0] == 0.5f);
  CHECK(p[1] == Approx(0.75).epsilon(1e-6));
  // exp's argument is clamped at 88.7, so a very negative margin gives a tiny positive value
  // rather than 1 / inf = 0.
  CHECK(p[2] == 1.0f / (std::exp(88.7f) + 1.0f));
  CHECK(p[2] > 0.0f);
  CHECK(p[3] == 1.0f);
  p = Transformed(*Make("count:poisson"), {std::log(2.0f), 0.0f});
  CHECK(p[0] == Approx(2.0).epsilon(1e-6));
  CHECK(p[1] == 1.0f);
  p = Transformed(*Make("binary:hinge"), {0.3f, -0.3f, 0.0f});
  CHECK(p == std::vector<float>{1.0f, 0.0f, 0.0f});
  for (const char* name : {"reg:squarederror", "binary:logitraw", "reg:absoluteerror"}) {
    CHECK(Transformed(*Make(name), {-2.5f, 7.0f}) == std::vector<float>{-2.5f, 7.0f});
  }
  p = Transformed(*Make("multi:softprob", 3), {0.0f, std::log(2.0f), std::log(5.0f)});
  CHECK(p[0] == Approx(0.125).epsilon(1e-6));
  CHECK(p[1] == Approx(0.25).epsilon(1e-6));
  CHECK(p[2] == Approx(0.625).epsilon(1e-6));
  const auto softmax = Make("multi:softmax", 3);
  CHECK(softmax->NumTransformedOutputs() == 1);
  CHECK(Make("multi:softprob", 3)->NumTransformedOutputs() == 3);
  p = Transformed(*softmax, {0, 2, 1, 3, 3, 1, -1, -2, 5});
  // Row classes go to the front; ties go to the lower class.
  CHECK(std::vector<float>(p.begin(), p.begin() + 3) == std::vector<float>{1.0f, 0.0f, 2.0f});
}

TEST_CASE("ProbToMargin: logit, log or identity, with domain errors", "[unit]") {
  const auto logistic = Make("binary:logistic");
  CHECK(logistic->ProbToMargin(0.5f) == 0.0f);
  CHECK(logistic->ProbToMargin(0.75f) == Approx(1.0986123).epsilon(1e-6));  // ln 3
  CHECK_THROWS_WITH(logistic->ProbToMargin(1.0f),
                    "base_score 1 is not in (0, 1) as binary:logistic requires (it is a "
                    "probability); set it inside (0, 1) or leave it unset to estimate it from the "
                    "labels");
  CHECK_THROWS_AS(logistic->ProbToMargin(0.0f), InvalidInput);
  CHECK_THROWS_AS(Make("reg:logistic")->ProbToMargin(-0.5f), InvalidInput);
  const auto poisson = Make("count:poisson");
  CHECK(poisson->ProbToMargin(2.0f) == Approx(0.6931472).epsilon(1e-6));
  CHECK_THROWS_WITH(poisson->ProbToMargin(0.0f),
                    Catch::StartsWith("base_score 0 is not > 0 as count:poisson requires"));
  CHECK_THROWS_AS(Make("reg:gamma")->ProbToMargin(-1.0f), InvalidInput);
  CHECK_THROWS_AS(Make("reg:tweedie")->ProbToMargin(0.0f), InvalidInput);
  // binary:logitraw keeps base_score as a margin (xgboost 1.7.4: base_score=0.8 predicts 0.8).
  CHECK(Make("binary:logitraw")->ProbToMargin(0.8f) == 0.8f);
  CHECK(Make("reg:squarederror")->ProbToMargin(5.0f) == 5.0f);
}

TEST_CASE("label domains: first bad row (1-based), its value and the domain", "[unit]") {
  CHECK_THROWS_WITH(Make("binary:logistic")->CheckLabels(std::vector<float>{0, 1, 2}),
                    "label 2 at row 3 is not in [0, 1] as binary:logistic requires");
  CHECK_THROWS_WITH(Make("reg:squarederror")->CheckLabels(std::vector<float>{1, kNaN}),
                    "label nan at row 2 is not a finite number; reg:squarederror needs a label "
                    "on every row (drop the row or fill in its label)");
  CHECK_THROWS_WITH(Make("reg:absoluteerror")->CheckLabels(std::vector<float>{kInf}),
                    Catch::StartsWith("label inf at row 1 is not a finite number"));
  CHECK_THROWS_WITH(Make("binary:hinge")->CheckLabels(std::vector<float>{0, 0.5f}),
                    "label 0.5 at row 2 is not 0 or 1 as binary:hinge requires");
  CHECK_THROWS_WITH(Make("count:poisson")->CheckLabels(std::vector<float>{-1}),
                    "label -1 at row 1 is not >= 0 as count:poisson requires");
  CHECK_THROWS_WITH(Make("reg:gamma")->CheckLabels(std::vector<float>{1, 0}),
                    "label 0 at row 2 is not > 0 as reg:gamma requires");
  CHECK_THROWS_WITH(Make("reg:tweedie")->CheckLabels(std::vector<float>{-0.5f}),
                    "label -0.5 at row 1 is not >= 0 as reg:tweedie requires");
  CHECK_THROWS_WITH(Make("reg:squaredlogerror")->CheckLabels(std::vector<float>{0, -1}),
                    "label -1 at row 2 is not > -1 as reg:squaredlogerror requires");
  const auto softmax = Make("multi:softmax", 3);
  CHECK_THROWS_WITH(softmax->CheckLabels(std::vector<float>{0, 3}),
                    "label 3 at row 2 is not an integer in [0, 3) (num_class = 3) as "
                    "multi:softmax requires");
  CHECK_THROWS_WITH(softmax->CheckLabels(std::vector<float>{1.5f}),
                    Catch::StartsWith("label 1.5 at row 1 is not an integer in [0, 3)"));
  CHECK_THROWS_AS(Make("multi:softprob", 3)->CheckLabels(std::vector<float>{-1}), InvalidInput);
  CHECK_NOTHROW(softmax->CheckLabels(std::vector<float>{0, 1, 2}));
  CHECK_NOTHROW(Make("reg:logistic")->CheckLabels(std::vector<float>{0, 0.3f, 1}));
  CHECK_NOTHROW(Make("reg:squarederror")->CheckLabels(std::vector<float>{-1e30f, 1e30f}));
  CHECK_NOTHROW(Make("reg:gamma")->CheckLabels(std::vector<float>{}));
}

TEST_CASE("Create: names, metrics, outputs and parameter errors", "[unit]") {
  const std::vector<std::pair<std::string, std::string>> metrics = {
      {"binary:logistic", "logloss"},
      {"binary:logitraw", "logloss"},
      {"binary:hinge", "error"},
      {"reg:squarederror", "rmse"},
      {"reg:logistic", "rmse"},
      {"reg:pseudohubererror", "mphe"},
      {"reg:absoluteerror", "mae"},
      {"reg:squaredlogerror", "rmsle"},
      {"count:poisson", "poisson-nloglik"},
      {"reg:gamma", "gamma-nloglik"},
      {"reg:tweedie", "tweedie-nloglik@1.5"}};
  for (const auto& [name, metric] : metrics) {
    const auto objective = Make(name);
    CHECK(objective->Name() == name);
    CHECK(objective->DefaultMetric() == metric);
    CHECK(objective->NumOutputs() == 1);
    CHECK(objective->HasAdaptiveLeaves() == (name == "reg:absoluteerror"));
  }
  CHECK(Make("multi:softmax", 4)->DefaultMetric() == "mlogloss");
  CHECK(Make("count:poisson")->DefaultMaxDeltaStep() == double{0.7f});
  CHECK(Make("reg:gamma")->DefaultMaxDeltaStep() == 0.0);
  CHECK(Make("multi:softprob", 4)->NumOutputs() == 4);
  TrainParams params;
  params.objective = "reg:tweedie";
  params.tweedie_variance_power = 1.3;  // 1.29999995f printed with 6 digits, as XGBoost does
  CHECK(Objective::Create(params)->DefaultMetric() == "tweedie-nloglik@1.3");
  params.objective = "rank:pairwise";
  CHECK_THROWS_WITH(Objective::Create(params),
                    Catch::StartsWith("objective: got \"rank:pairwise\", expected one of "
                                      "reg:squarederror, reg:squaredlogerror"));
  params.objective = "multi:softprob";
  CHECK_THROWS_WITH(Objective::Create(params),
                    "num_class: objective=multi:softprob needs num_class (the number of "
                    "classes, at least 2); got none");
  params.objective = "reg:pseudohubererror";
  params.huber_slope = 0.0;
  CHECK_THROWS_WITH(Objective::Create(params), "huber_slope: got 0, expected a finite number > 0");
}

TEST_CASE("EstimateBaseScore: XGBoost 2's Newton step from margin 0, in output space", "[unit]") {
  const Context ctx;
  auto estimate = [&](const std::string& name, std::vector<float> labels,
                      std::vector<float> weights = {}) {
    const auto base = Make(name)->EstimateBaseScore(ctx, labels, weights);
    REQUIRE(base.size() == 1);
    return base[0];
  };
  // Squared error: -G/H = sum(w y) / sum(w), the (weighted) mean.
  CHECK(estimate("reg:squarederror", {1, 2, 6}) == 3.0f);
  CHECK(estimate("reg:squarederror", {1, 2, 6}, {1, 1, 2}) == 3.75f);
  // Logistic, labels 1,1,1,0: g = 0.5 - y sums to -1, h = 0.25 sums to 1: stump 1 -> sigmoid(1)
  // (not the mean 0.75). binary:logitraw keeps the stump as is.
  CHECK(estimate("binary:logistic", {1, 1, 1, 0}) == Approx(0.7310586).epsilon(1e-6));
  CHECK(estimate("binary:logitraw", {1, 1, 1, 0}) == 1.0f);
  // Poisson, labels 1,2,3: G = sum(1 - y) = -3, H = 3 e^0.7: exp(3 / (3 e^0.7)).
  CHECK(estimate("count:poisson", {1, 2, 3}) == Approx(1.6431010).epsilon(1e-6));
  // Gamma: G = sum(1 - y) = -3, H = sum(y) = 6: e^0.5.
  CHECK(estimate("reg:gamma", {1, 2, 3}) == Approx(1.6487213).epsilon(1e-6));
  // Tweedie 1.5: G = -3, H = sum(0.5 y + 0.5) = 4.5: e^(2/3).
  CHECK(estimate("reg:tweedie", {1, 2, 3}) == Approx(1.9477340).epsilon(1e-6));
  // Hinge: g = -(2y - 1) sums to -1 for labels 1,1,0 (stump 1/3 > 0 -> class 1), +1 for 0,0,1.
  CHECK(estimate("binary:hinge", {1, 1, 0}) == 1.0f);
  CHECK(estimate("binary:hinge", {0, 0, 1}) == 0.0f);
  // Pseudo-Huber (d = 1), labels 0,0,3: only z = -3 has a gradient, -3/sqrt(10); H = 1 + 1 +
  // 1/(10 sqrt(10)).
  CHECK(estimate("reg:pseudohubererror", {0, 0, 3}) == Approx(0.46695839).epsilon(1e-6));
  // Squared log error, labels 0 and e - 1: g = -log1p(y) = 0, -1; h = 1 + log1p(y) = 1, 2.
  CHECK(estimate("reg:squaredlogerror", {0, std::expm1(1.0f)}) == Approx(1.0 / 3).epsilon(1e-6));
  // Absolute error: the median (interpolated), or the weighted step median.
  CHECK(estimate("reg:absoluteerror", {5, 1, 3}) == 3.0f);
  CHECK(estimate("reg:absoluteerror", {1, 2, 3, 10}) == 2.5f);
  CHECK(estimate("reg:absoluteerror", {1, 2, 3, 10}, {1, 1, 1, 5}) == 10.0f);  // cdf 1,2,3,8
  CHECK(estimate("reg:absoluteerror", {1, 2, 3, 10}, {3, 1, 1, 1}) == 1.0f);
  // scale_pos_weight 2 enters the Newton step: G = -0.5 * 2 + 0.5, H = 0.25 * 2 + 0.25.
  TrainParams params;
  params.objective = "binary:logistic";
  params.scale_pos_weight = 2.0;
  const auto weighted = Objective::Create(params)->EstimateBaseScore(ctx, std::vector<float>{1, 0},
                                                                     std::vector<float>{});
  CHECK(weighted[0] == Approx(0.66075637).epsilon(1e-6));
  // Multi-class: XGBoost's default 0.5 for every class.
  CHECK(Make("multi:softprob", 3)
            ->EstimateBaseScore(ctx, std::vector<float>{0, 1, 2}, std::vector<float>{}) ==
        std::vector<float>{0.5f, 0.5f, 0.5f});
}

TEST_CASE("adaptive leaves: (weighted) median of label - margin over the leaf's rows", "[unit]") {
  const auto objective = Make("reg:absoluteerror");
  const std::vector<float> labels = {1, 100, 5, 100, 2};
  const std::vector<float> margins = {0.5f, 0, 1, 0, -1};
  // Residuals: row 0: 0.5, row 1: 100, row 2: 4, row 4: 3.
  const std::vector<std::uint32_t> odd = {0, 2, 4};      // 0.5, 3, 4 -> 3
  const std::vector<std::uint32_t> even = {0, 1, 2, 4};  // 0.5, 3, 4, 100 -> (3 + 4) / 2
  CHECK(objective->AdaptiveLeafValue(odd, margins, labels, {}) == 3.0f);
  CHECK(objective->AdaptiveLeafValue(even, margins, labels, {}) == 3.5f);
  // Weighted: no interpolation. Unit weights, cdf 1,2,3,4, threshold 2 -> the 2nd value (3).
  const std::vector<float> ones(5, 1.0f);
  CHECK(objective->AdaptiveLeafValue(even, margins, labels, ones) == 3.0f);
  // Row 4 (residual 3) weighs 4: sorted weights 1,4,1,1, cdf 1,5,6,7, threshold 3.5 -> 3.
  const std::vector<float> heavy = {1, 1, 1, 1, 4};
  CHECK(objective->AdaptiveLeafValue(even, margins, labels, heavy) == 3.0f);
  // Row 1 (residual 100) weighs 10: cdf 1,2,3,13, threshold 6.5 -> 100.
  const std::vector<float> outlier = {1, 10, 1, 1, 1};
  CHECK(objective->AdaptiveLeafValue(even, margins, labels, outlier) == 100.0f);
  CHECK(std::isnan(objective->AdaptiveLeafValue({}, margins, labels, {})));
  CHECK_THROWS_AS(Make("reg:squarederror")->AdaptiveLeafValue(odd, margins, labels, {}),
                  InternalError);
  // Quantile ends and interpolation: 1,2,3,4 at alpha 0.25 -> position 1.25 -> 1.25.
  const std::vector<float> four = {4, 3, 2, 1};
  CHECK(detail::Quantile(0.0, four) == 1.0f);
  CHECK(detail::Quantile(1.0, four) == 4.0f);
  CHECK(detail::Quantile(0.25, four) == 1.25f);
  CHECK(detail::Quantile(0.5, std::vector<float>{7}) == 7.0f);
}

TEST_CASE("objective loops give the same bits for 1, 2 and 3 threads", "[unit]") {
  const std::size_t n = 50'003;  // several blocks plus a ragged end
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> margin(-4.0f, 4.0f), unit(0.0f, 1.0f);
  std::vector<float> margins3(n * 3), labels(n), counts(n), classes(n), weights(n);
  for (auto& m : margins3) m = margin(rng);
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = unit(rng);
    counts[i] = std::floor(unit(rng) * 5.0f) + 1.0f;
    classes[i] = static_cast<float>(i % 3);
    weights[i] = 0.5f + unit(rng);
  }
  const std::vector<float> margins(margins3.begin(), margins3.begin() + static_cast<long>(n));
  auto run = [&](const Objective& objective, const std::vector<float>& m,
                 const std::vector<float>& y, int threads) {
    Context ctx;
    ctx.nthread = threads;
    std::vector<GradientPair> g(m.size());
    objective.Gradients(ctx, m, y, weights, g);
    std::vector<float> out = m;
    objective.Transform(ctx, out);
    std::vector<float> base = objective.EstimateBaseScore(ctx, y, weights);
    return std::make_tuple(g, out, base);
  };
  auto same_bits = [](const auto& a, const auto& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])) == 0;
  };
  for (const char* name : {"binary:logistic", "reg:squarederror", "count:poisson", "reg:gamma",
                           "reg:tweedie", "reg:pseudohubererror", "reg:absoluteerror"}) {
    INFO(name);
    const auto objective = Make(name);
    const auto& y = std::string(name).starts_with("reg:") || std::string(name) == "count:poisson"
                        ? counts
                        : labels;
    const auto one = run(*objective, margins, y, 1);
    for (int threads : {2, 3}) {
      const auto many = run(*objective, margins, y, threads);
      CHECK(same_bits(std::get<0>(one), std::get<0>(many)));
      CHECK(same_bits(std::get<1>(one), std::get<1>(many)));
      CHECK(same_bits(std::get<2>(one), std::get<2>(many)));
    }
  }
  for (const char* name : {"multi:softprob", "multi:softmax"}) {
    const auto objective = Make(name, 3);
    const auto one = run(*objective, margins3, classes, 1);
    const auto two = run(*objective, margins3, classes, 2);
    CHECK(same_bits(std::get<0>(one), std::get<0>(two)));
    CHECK(same_bits(std::get<1>(one), std::get<1>(two)));
  }
}

TEST_CASE("mismatched spans are a caller bug", "[unit]") {
  std::vector<GradientPair> out(2);
  CHECK_THROWS_AS(Make("reg:squarederror")
                      ->Gradients(Context{}, std::vector<float>{1, 2}, std::vector<float>{1},
                                  std::vector<float>{}, out),
                  InternalError);
  CHECK_THROWS_AS(Make("reg:squarederror")
                      ->Gradients(Context{}, std::vector<float>{1, 2}, std::vector<float>{1, 2},
                                  std::vector<float>{1}, out),
                  InternalError);
}

}  // namespace grove
