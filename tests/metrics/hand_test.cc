// Hand-computed values of every metric on tiny inputs. Inputs are dyadic (exact in float) so
// the expected values are exact up to double rounding; the arithmetic is in the comments.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "metrics/factories.h"
#include "tests/metrics/metric_test_util.h"

namespace grove::test {
namespace {

constexpr double kTight = 1e-12;

// y = [1, 2, 3, 4], p = [1.5, 1.5, 2.5, 5]: errors p - y = [.5, -.5, -.5, 1].
MetricCase Regression() {
  return {{1.5f, 1.5f, 2.5f, 5.0f}, {1, 2, 3, 4}, {}, {}, 1};
}

TEST_CASE("regression metrics by hand", "[unit]") {
  MetricCase c = Regression();
  // squares .25 .25 .25 1 -> mean 1.75 / 4 = .4375
  CHECK(Evaluate("rmse", c) == Approx(std::sqrt(0.4375)).epsilon(kTight));
  CHECK(Evaluate("mse", c) == Approx(0.4375).epsilon(kTight));
  // |e| = .5 .5 .5 1 -> 2.5 / 4
  CHECK(Evaluate("mae", c) == Approx(0.625).epsilon(kTight));
  // |e / y| = .5/1 + .5/2 + .5/3 + 1/4 = 7/6 -> / 4 = 7/24
  CHECK(Evaluate("mape", c) == Approx(7.0 / 24.0).epsilon(kTight));
  // pseudo-Huber (slope 1): sqrt(1 + e^2) - 1 -> 3 (sqrt(1.25) - 1) + (sqrt(2) - 1), / 4
  CHECK(Evaluate("mphe", c) ==
        Approx((3 * (std::sqrt(1.25) - 1) + (std::sqrt(2.0) - 1)) / 4).epsilon(kTight));

  c.weights = {1, 2, 3, 4};  // Σ w e^2 = .25 + .5 + .75 + 4 = 5.5; Σ w = 10
  CHECK(Evaluate("rmse", c) == Approx(std::sqrt(0.55)).epsilon(kTight));
  CHECK(Evaluate("mse", c) == Approx(0.55).epsilon(kTight));
  // Σ w |e| = .5 + 1 + 1.5 + 4 = 7 -> .7
  CHECK(Evaluate("mae", c) == Approx(0.7).epsilon(kTight));
}

TEST_CASE("mphe takes the objective's huber_slope", "[unit]") {
  // slope 2: 4 (sqrt(1 + (e/2)^2) - 1) = 4 (sqrt(1.0625) - 1) x3 and 4 (sqrt(1.25) - 1)
  const auto metric = metric_impl::MakePseudoHuber(2.0);
  CHECK(metric->Name() == "mphe");
  const double expected = (12 * (std::sqrt(1.0625) - 1) + 4 * (std::sqrt(1.25) - 1)) / 4;
  CHECK(metric->Evaluate(Regression().Input()) == Approx(expected).epsilon(kTight));
}

TEST_CASE("rmsle and r2 by hand", "[unit]") {
  // y = [0, 1], p = [1, 1]: log1p differences ln 2 and 0 -> sqrt((ln 2)^2 / 2) = ln 2 / sqrt 2
  CHECK(Evaluate("rmsle", {{1, 1}, {0, 1}}) ==
        Approx(std::log(2.0) / std::sqrt(2.0)).epsilon(kTight));
  // y = [1, 2, 3, 4], p = [1, 2, 3, 5]: SS_res = 1, ȳ = 2.5, SS_tot = 2.25+.25+.25+2.25 = 5
  MetricCase c{{1, 2, 3, 5}, {1, 2, 3, 4}};
  CHECK(Evaluate("r2", c) == Approx(0.8).epsilon(kTight));
  // w = [1, 1, 1, 3]: ȳ = (1+2+3+12)/6 = 3, SS_tot = 4+1+0+3 = 8, SS_res = 3 -> 1 - 3/8
  c.weights = {1, 1, 1, 3};
  CHECK(Evaluate("r2", c) == Approx(0.625).epsilon(kTight));
  // constant labels: a perfect fit scores 1, anything else 0 (scikit-learn's force_finite)
  CHECK(Evaluate("r2", {{2, 2}, {2, 2}}) == 1.0);
  CHECK(Evaluate("r2", {{1, 2}, {2, 2}}) == 0.0);
  CHECK(std::isnan(Evaluate("r2", {{1}, {2}})));  // one row: undefined, as scikit-learn
}

TEST_CASE("logloss and error by hand", "[unit]") {
  // y = [1, 0], p = [.75, .5]: -ln .75 - ln .5, / 2
  MetricCase c{{0.75f, 0.5f}, {1, 0}};
  CHECK(Evaluate("logloss", c) == Approx((-std::log(0.75) - std::log(0.5)) / 2).epsilon(kTight));
  c.weights = {3, 1};
  CHECK(Evaluate("logloss", c) ==
        Approx((-3 * std::log(0.75) - std::log(0.5)) / 4).epsilon(kTight));
  // p = 0 for a positive and p = 1 for a negative are clipped at eps = 1e-16: -ln(1e-16) each
  CHECK(Evaluate("logloss", {{0, 1}, {1, 0}}) == Approx(-std::log(1e-16)).epsilon(kTight));
  CHECK(Evaluate("logloss", {{0, 1}, {0, 1}}) == 0.0);

  // p = [.875, .25, .625, .125], y = [1, 1, 0, 0]: p > .5 -> 1 0 1 0, rows 1 and 2 wrong
  const MetricCase e{{0.875f, 0.25f, 0.625f, 0.125f}, {1, 1, 0, 0}};
  CHECK(Evaluate("error", e) == 0.5);
  // p > .2 -> 1 1 1 0, row 2 wrong
  CHECK(Evaluate("error@0.2", e) == 0.25);
  // p exactly at the threshold is negative: p > .625 -> 1 0 0 0, row 1 wrong
  CHECK(Evaluate("error@0.625", e) == 0.25);
  // a soft label y = .25 predicted positive costs 1 - y = .75 (XGBoost's row formula)
  CHECK(Evaluate("error", {{0.75f}, {0.25f}}) == 0.75);
}

TEST_CASE("count, gamma and tweedie likelihoods by hand", "[unit]") {
  // y = [0, 2], μ = [1, 2]: lgamma(y+1) + μ - y ln μ = 0 + 1 - 0 and ln 2 + 2 - 2 ln 2
  CHECK(Evaluate("poisson-nloglik", {{1, 2}, {0, 2}}) ==
        Approx((3 - std::log(2.0)) / 2).epsilon(kTight));
  // y = [1, 2], μ = [2, 1]: r = y/μ = .5, 2; r - ln r - 1 = ln 2 - .5 and 1 - ln 2; sum .5;
  // deviance = 2 × mean = .5. XGBoost first adds 1e-6 to y and μ: r = 1.000001 / 2.000001 and
  // its inverse, which keeps the ln terms cancelling: 2 (r + 1/r - 2) / 2.
  const MetricCase g{{2, 1}, {1, 2}};
  const double r = 1.000001 / 2.000001;
  CHECK(Evaluate("gamma-deviance", g) == Approx(r + 1 / r - 2).epsilon(kTight));
  // y/μ + ln μ: .5 + ln 2 and 2 + 0
  CHECK(Evaluate("gamma-nloglik", g) == Approx((2.5 + std::log(2.0)) / 2).epsilon(kTight));
  // rho 1.5, y = [2, 0], μ = [1, 4]: -y μ^-.5 / -.5 + μ^.5 / .5 = 4 + 2 = 6 and 0 + 4 = 4
  const MetricCase t{{1, 4}, {2, 0}};
  CHECK(Evaluate("tweedie-nloglik@1.5", t) == Approx(5.0).epsilon(kTight));
  CHECK(Evaluate("tweedie-nloglik", t) == Approx(5.0).epsilon(kTight));
  // rho 1 (limit): μ - y ln μ = 1 and 4
  CHECK(Evaluate("tweedie-nloglik@1", t) == Approx(2.5).epsilon(kTight));
}

// y = [1 1 1 0 0 0 0], p > .5 -> [1 1 0 1 0 0 1]: TP 2, FN 1, FP 2, TN 2.
MetricCase Binary() {
  return {{0.875f, 0.75f, 0.25f, 0.625f, 0.125f, 0.0625f, 0.5625f}, {1, 1, 1, 0, 0, 0, 0}};
}

TEST_CASE("binary class decisions by hand", "[unit]") {
  MetricCase c = Binary();
  CHECK(Evaluate("accuracy", c) == Approx(4.0 / 7).epsilon(kTight));
  CHECK(Evaluate("precision", c) == Approx(0.5).epsilon(kTight));      // 2 / (2 + 2)
  CHECK(Evaluate("recall", c) == Approx(2.0 / 3).epsilon(kTight));     // 2 / (2 + 1)
  CHECK(Evaluate("f1_binary", c) == Approx(4.0 / 7).epsilon(kTight));  // 2·½·⅔ / (½ + ⅔)
  // class 0: hit 2, true 4, predicted 3 -> precision ⅔, recall ½, f1 4/7
  CHECK(Evaluate("f1", c) == Approx(4.0 / 7).epsilon(kTight));
  CHECK(Evaluate("f1_macro", c) == Approx(4.0 / 7).epsilon(kTight));
  CHECK(Evaluate("precision_macro", c) == Approx(7.0 / 12).epsilon(kTight));  // (½ + ⅔) / 2
  CHECK(Evaluate("recall_macro", c) == Approx(7.0 / 12).epsilon(kTight));     // (⅔ + ½) / 2
  CHECK(Evaluate("balanced_accuracy", c) == Approx(7.0 / 12).epsilon(kTight));
  CHECK(Evaluate("precision_micro", c) == Approx(4.0 / 7).epsilon(kTight));
  CHECK(Evaluate("recall_micro", c) == Approx(4.0 / 7).epsilon(kTight));

  // Weight 2 on row 0: TP 3, FN 1, FP 2, TN 2 (total 8).
  c.weights = {2, 1, 1, 1, 1, 1, 1};
  CHECK(Evaluate("accuracy", c) == Approx(5.0 / 8).epsilon(kTight));
  CHECK(Evaluate("precision", c) == Approx(3.0 / 5).epsilon(kTight));
  CHECK(Evaluate("recall", c) == Approx(3.0 / 4).epsilon(kTight));
  CHECK(Evaluate("f1_binary", c) == Approx(2.0 / 3).epsilon(kTight));  // 2·.6·.75 / 1.35
  CHECK(Evaluate("f1", c) == Approx((2.0 / 3 + 4.0 / 7) / 2).epsilon(kTight));
  CHECK(Evaluate("balanced_accuracy", c) == Approx((0.75 + 0.5) / 2).epsilon(kTight));
}

// Rows (k = 3): [.25 .5 .25] -> 1 (label 1), [.375 .375 .25] -> 0, first max (label 1),
// [.125 .125 .75] -> 2 (label 2), [.5 .25 .25] -> 0 (label 2).
MetricCase MultiClass() {
  return {{0.25f, 0.5f, 0.25f, 0.375f, 0.375f, 0.25f, 0.125f, 0.125f, 0.75f, 0.5f, 0.25f, 0.25f},
          {1, 1, 2, 2},
          {},
          {},
          3};
}

TEST_CASE("multi-class decisions and log loss by hand", "[unit]") {
  MetricCase c = MultiClass();
  CHECK(Evaluate("accuracy", c) == 0.5);
  CHECK(Evaluate("merror", c) == 0.5);
  // p[label] = .5, .375, .75, .25
  CHECK(Evaluate("mlogloss", c) ==
        Approx(-(std::log(0.5) + std::log(0.375) + std::log(0.75) + std::log(0.25)) / 4)
            .epsilon(kTight));
  // classes with labels: 1 (recall ½), 2 (recall ½); class 0 only predicted -> dropped
  CHECK(Evaluate("balanced_accuracy", c) == 0.5);
  // seen classes {0, 1, 2}: precision 0/2, 1/1, 1/1; recall 0 (no labels), ½, ½
  CHECK(Evaluate("precision_macro", c) == Approx(2.0 / 3).epsilon(kTight));
  CHECK(Evaluate("recall_macro", c) == Approx(1.0 / 3).epsilon(kTight));
  CHECK(Evaluate("f1", c) == Approx(4.0 / 9).epsilon(kTight));  // (0 + ⅔ + ⅔) / 3
  CHECK(Evaluate("precision_micro", c) == 0.5);
  c.weights = {1, 2, 3, 4};  // right: rows 0 and 2 -> 4 / 10
  CHECK(Evaluate("accuracy", c) == Approx(0.4).epsilon(kTight));
  CHECK(Evaluate("merror", c) == Approx(0.6).epsilon(kTight));
  // p[label] = 0 is clipped at 1e-16
  CHECK(Evaluate("mlogloss", {{1, 0}, {1}, {}, {}, 2}) == Approx(-std::log(1e-16)).epsilon(kTight));
}

TEST_CASE("binary auc and aucpr with ties and weights by hand", "[unit]") {
  // y = [1 1 1 0 0], p = [.875 .75 .25 .25 .125]. Positive/negative pairs: .875 and .75 beat
  // both negatives (2 + 2), .25 ties the negative .25 (½) and beats .125 (1): 5.5 / 6.
  MetricCase c{{0.875f, 0.75f, 0.25f, 0.25f, 0.125f}, {1, 1, 1, 0, 0}};
  CHECK(Evaluate("auc", c) == Approx(11.0 / 12).epsilon(kTight));
  // PR segments (Keilwagen interpolation, total positives 3): (0,0)->(0,1): ⅓; (0,1)->(0,2): ⅓;
  // the tie (fp,tp) (0,2)->(1,3): h = 1, a = 2, b = -⅔, area = (⅓ + ⅓ ln(4/3 ÷ 2/3)) / 2
  // = (1 + ln 2) / 6; (1,3)->(2,3) adds 0.
  CHECK(Evaluate("aucpr", c) == Approx(2.0 / 3 + (1 + std::log(2.0)) / 6).epsilon(kTight));
  // Weight 2 on the negative .25: N = 3, pairs .875: 3, .75: 3, .25: ½·2 + 1 = 2 -> 8 / 9
  c.weights = {1, 1, 1, 2, 1};
  CHECK(Evaluate("auc", c) == Approx(8.0 / 9).epsilon(kTight));
  // One run of equal scores is one trapezoid: (0,0)->(2,2) = 2 of 4.
  CHECK(Evaluate("auc", {{0.5f, 0.5f, 0.5f, 0.5f}, {1, 0, 1, 0}}) == 0.5);
}

TEST_CASE("multi-class auc and aucpr by hand", "[unit]") {
  // labels [0 1 2 0]; rows [.5 .25 .25] [.25 .5 .25] [.25 .25 .5] [.25 .5 .25]
  const MetricCase c{
      {0.5f, 0.25f, 0.25f, 0.25f, 0.5f, 0.25f, 0.25f, 0.25f, 0.5f, 0.25f, 0.5f, 0.25f},
      {0, 1, 2, 0},
      {},
      {},
      3};
  // class 0: positives .5, .25 vs negatives .25, .25 -> (2 + ½ + ½) / 4 = ¾, prevalence 2;
  // class 1: positive .5 vs .25, .25, .5 -> 2.5 / 3, prevalence 1; class 2: 1, prevalence 1.
  CHECK(Evaluate("auc", c) == Approx((2 * 0.75 + 2.5 / 3 + 1) / 4).epsilon(kTight));
  // PR per class: class 0: ½ + (½ + ⅓·ln(2 / ½)) / 3 = ½ + 1/6 + 2 ln 2 / 9; class 1: the tie
  // (0,0)->(1,1): h = 1, a = 2, b = 0 -> ½; class 2: 1. Plain mean over classes.
  const double class0 = 0.5 + 1.0 / 6 + 2 * std::log(2.0) / 9;
  CHECK(Evaluate("aucpr", c) == Approx((class0 + 0.5 + 1) / 3).epsilon(kTight));
}

TEST_CASE("two-class probabilities give the binary auc", "[unit]") {
  const std::vector<float> q = {0.9f, 0.1f, 0.4f, 0.4f, 0.7f, 0.3f, 0.8f};
  const std::vector<float> y = {1, 0, 1, 0, 0, 1, 1};
  MetricCase multi{{}, y, {1, 2, 1, 3, 1, 1, 2}, {}, 2};
  for (float v : q) {
    multi.predictions.push_back(1.0f - v);
    multi.predictions.push_back(v);
  }
  const MetricCase binary{q, y, multi.weights};
  CHECK(Evaluate("auc", multi) == Approx(Evaluate("auc", binary)).epsilon(kTight));
}

// Two query groups. Group 0 (rows 0-5): labels [2 1 0 0 1 3], scores [.5 .5 .25 .875 .125
// .375]; stable descending order by score: rows 3 0 1 5 2 4 -> labels 0 2 1 3 0 1.
// Group 1 (rows 6-8): labels 0 0 0, scores [.375 .375 .125].
MetricCase Ranking() {
  return {{0.5f, 0.5f, 0.25f, 0.875f, 0.125f, 0.375f, 0.375f, 0.375f, 0.125f},
          {2, 1, 0, 0, 1, 3, 0, 0, 0},
          {},
          {0, 6, 9}};
}

TEST_CASE("ndcg and map by hand", "[unit]") {
  MetricCase c = Ranking();
  const double l3 = std::log2(3.0), l5 = std::log2(5.0), l7 = std::log2(7.0);
  // DCG = (2^2-1)/log2 3 + 1/log2 4 + 7/log2 5 + 1/log2 7; IDCG (3 2 1 1) = 7 + 3/log2 3 +
  // 1/2 + 1/log2 5. Group 1 has no relevant document: 1 (0 for the minus variants).
  const double ndcg0 = (3 / l3 + 0.5 + 7 / l5 + 1 / l7) / (7 + 3 / l3 + 0.5 + 1 / l5);
  CHECK(Evaluate("ndcg", c) == Approx((ndcg0 + 1) / 2).epsilon(kTight));
  CHECK(Evaluate("ndcg-", c) == Approx(ndcg0 / 2).epsilon(kTight));
  // @2: DCG = 3/log2 3, IDCG = 7 + 3/log2 3
  CHECK(Evaluate("ndcg@2", c) == Approx((3 / l3 / (7 + 3 / l3) + 1) / 2).epsilon(kTight));
  // @3-: (3/log2 3 + ½) / (7 + 3/log2 3 + ½), and 0 for group 1
  CHECK(Evaluate("ndcg@3-", c) == Approx((3 / l3 + 0.5) / (7 + 3 / l3 + 0.5) / 2).epsilon(kTight));
  // relevant at positions 2 3 4 6: AP = (1/2 + 2/3 + 3/4 + 4/6) / 4
  const double ap0 = (0.5 + 2.0 / 3 + 0.75 + 4.0 / 6) / 4;
  CHECK(Evaluate("map", c) == Approx((ap0 + 1) / 2).epsilon(kTight));
  CHECK(Evaluate("map-", c) == Approx(ap0 / 2).epsilon(kTight));
  // @2 keeps only position 2 but still divides by all 4 relevant documents (XGBoost 1.7)
  CHECK(Evaluate("map@2", c) == Approx((0.5 / 4 + 1) / 2).epsilon(kTight));
  CHECK(Evaluate("map@2-", c) == Approx(0.5 / 4 / 2).epsilon(kTight));
  // Group weights 1 and 3, given per group or repeated on every row: (ndcg0 + 3) / 4.
  c.weights = {1, 3};
  CHECK(Evaluate("ndcg", c) == Approx((ndcg0 + 3) / 4).epsilon(kTight));
  c.weights = {1, 1, 1, 1, 1, 1, 3, 3, 3};
  CHECK(Evaluate("ndcg", c) == Approx((ndcg0 + 3) / 4).epsilon(kTight));
  // No groups: all rows are one query. Order by score: rows 3 0 1 5 6 7 2 4 8, labels
  // 0 2 1 3 0 0 0 1 0: the last relevant one sits at index 7 (discount log2 9).
  c.groups.clear();
  c.weights.clear();
  const double dcg = 3 / l3 + 0.5 + 7 / l5 + 1 / std::log2(9.0);
  CHECK(Evaluate("ndcg", c) == Approx(dcg / (7 + 3 / l3 + 0.5 + 1 / l5)).epsilon(kTight));
}

TEST_CASE("auc and aucpr with query groups by hand", "[unit]") {
  MetricCase c = Ranking();
  c.labels = {1, 1, 0, 0, 1, 1, 0, 0, 0};
  // Pairwise ROC per group, documents sorted by label (stable): group 0 order 0 1 4 5 2 3 and
  // its 15 pairs score ½ 1 1 1 0 | 1 1 1 0 | 0 0 0 | 1 0 | 0 = 7.5 -> ½; group 1 (all 0):
  // pairs (6,7) ½, (6,8) 1, (7,8) 1 -> 5/6. Mean 2/3.
  CHECK(Evaluate("auc", c) == Approx((0.5 + 5.0 / 6) / 2).epsilon(kTight));
  // PR of group 0 (4 positives), runs by score: {3: neg} 0; {0,1: pos pos} from fp 1:
  // b = ¼, ½ - ¼ ln 3; {5: pos} ¼ + ¼ ln ¾; {2: neg} 0; {4: pos} from fp 2: b = ½,
  // ¼ - ½ ln(1.5 / 1.25). Group 1 has no positive: skipped.
  const double pr0 = (0.5 - 0.25 * std::log(3.0)) + (0.25 + 0.25 * std::log(0.75)) +
                     (0.25 - 0.5 * std::log(1.5 / 1.25));
  CHECK(Evaluate("aucpr", c) == Approx(pr0).epsilon(kTight));
  // Groups under 3 documents give no ROC pair count in XGBoost: skipped; none left -> NaN.
  CHECK(std::isnan(Evaluate("auc", {{0.5f, 0.25f}, {1, 0}, {}, {0, 2}})));
}

}  // namespace
}  // namespace grove::test
