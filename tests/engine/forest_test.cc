// Random forests (algorithm=random_forest): hand-computed splits and leaves, scikit-learn's
// rules (min_samples_*, max_leaf_nodes, min_impurity_decrease, class_weight, sample weights),
// out-of-bag score, importances, validation messages, determinism and save/load.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <numeric>
#include <string>

#include "grove/demo.h"
#include "grove/errors.h"
#include "grove/metrics.h"
#include "grove/train.h"
#include "test_util.h"
#include "train_test_util.h"

using namespace grove;

namespace {

using Params = std::map<std::string, std::string>;

// One deterministic tree: every row, every feature at every node.
TrainParams OneTree(Params extra) {
  Params p = {{"algorithm", "random_forest"}, {"n_estimators", "1"}, {"bootstrap", "false"},
              {"max_features", "none"}};
  for (const auto& [k, v] : extra) p[k] = v;
  return ParseParams(p);
}

DataSet Column(std::vector<float> x, std::vector<float> y, std::vector<float> w = {}) {
  return MakeDataSet(x.data(), x.size(), 1, y, w);
}

// y = [2, 2, 0, 0, 2, 1, 1, 0] over x = 1..8: gini splits after the second row (x < 3),
// entropy after the fifth (x < 6); each is the other's second choice. Decreases, W-weighted:
// gini 8 - 22/8 - (2 - 4/2) - (6 - 14/6) = 1.58333; entropy (log2)
// 8 log2 8 - 2(3 log2 3) - 2 log2 2 - [2 log2 2 - 2 log2 2] - [6 log2 6 - 3 log2 3 - 2 log2 2]
// = 4.88058.
DataSet ThreeClasses() {
  return Column({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 0, 0, 2, 1, 1, 0});
}

double Accuracy(const Model& model, const DataSet& data) {
  const std::vector<float> p = model.Predict(data.Dense());
  MetricInput input;
  input.predictions = p;
  input.labels = data.labels;
  input.num_outputs = static_cast<std::size_t>(model.num_outputs);
  return 1.0 - CreateMetric(model.num_outputs > 1 ? "merror" : "error")->Evaluate(input);
}

}  // namespace

TEST_CASE("gini picks the split with the largest weighted gini decrease", "[unit]") {
  const Model m = Train(OneTree({{"objective", "multi:softprob"}, {"num_class", "3"},
                                 {"max_depth", "1"}, {"criterion", "gini"}}),
                        ThreeClasses());
  const Tree& t = m.trees.at(0);
  REQUIRE(t.NumNodes() == 3);
  CHECK(t.threshold[0] == 3.0f);
  CHECK(t.loss_change[0] == Approx(1.5833333333).epsilon(1e-6));
  CHECK(t.sum_hessian[0] == 8.0f);
  REQUIRE(t.leaf_size == 3);
  // Left leaf: rows x = 1, 2 (class 2); right: classes 0,0,2,1,1,0.
  const float* left = &t.leaf_vector[t.left[0] * 3];
  const float* right = &t.leaf_vector[t.right[0] * 3];
  CHECK(left[0] == 0.0f);
  CHECK(left[2] == 1.0f);
  CHECK(right[0] == Approx(3.0 / 6));
  CHECK(right[1] == Approx(2.0 / 6));
  CHECK(right[2] == Approx(1.0 / 6));
  const float x = 7.0f;
  const std::vector<float> p = m.Predict(&x, 1, 1);
  REQUIRE(p.size() == 3);
  CHECK(p[0] == Approx(0.5));
  CHECK(p[1] == Approx(1.0 / 3));
}

TEST_CASE("entropy and log_loss pick the split with the largest entropy decrease", "[unit]") {
  for (const char* criterion : {"entropy", "log_loss"}) {
    const Model m = Train(OneTree({{"objective", "multi:softmax"}, {"num_class", "3"},
                                   {"max_depth", "1"}, {"criterion", criterion}}),
                          ThreeClasses());
    const Tree& t = m.trees.at(0);
    CHECK(t.threshold[0] == 6.0f);
    CHECK(t.loss_change[0] == Approx(4.8805845212).epsilon(1e-6));
    // multi:softmax predicts the class index: right leaf (x = 6, 7, 8: 1, 1, 0) -> class 1.
    const float x = 7.0f;
    CHECK(m.Predict(&x, 1, 1) == std::vector<float>{1.0f});
  }
}

TEST_CASE("squared error splits at the largest variance decrease; leaves hold means", "[unit]") {
  // y = 1, 1, 2 | 10, 11, 12: S_l^2/W_l + S_r^2/W_r - S^2/W = 16/3 + 1089/3 - 1369/6.
  const Model m = Train(OneTree({{"objective", "reg:squarederror"}, {"max_depth", "1"}}),
                        Column({1, 2, 3, 4, 5, 6}, {1, 1, 2, 10, 11, 12}));
  const Tree& t = m.trees.at(0);
  CHECK(t.threshold[0] == 4.0f);
  CHECK(t.loss_change[0] == Approx(140.1666667).epsilon(1e-6));
  CHECK(t.value[t.left[0]] == Approx(4.0 / 3));
  CHECK(t.value[t.right[0]] == Approx(11.0));
  CHECK(t.value[0] == Approx(37.0 / 6));
  const float x[2] = {0.5f, 100.0f};
  const std::vector<float> p = m.Predict(x, 2, 1);
  CHECK(p[0] == Approx(4.0 / 3));
  CHECK(p[1] == Approx(11.0));
}

TEST_CASE("binary forests predict P(class 1), the mean of the trees", "[unit]") {
  const DataSet d = Column({1, 2, 3, 4, 5, 6}, {0, 0, 1, 0, 1, 1});
  const Model m = Train(OneTree({{"objective", "binary:logistic"}, {"max_depth", "1"}}), d);
  const Tree& t = m.trees.at(0);
  CHECK(t.leaf_size == 0);
  CHECK(m.num_outputs == 1);
  // Best gini split: x < 3 (0, 0 | 1, 0, 1, 1): leaves P(1) = 0 and 3/4.
  CHECK(t.threshold[0] == 3.0f);
  CHECK(t.value[t.left[0]] == 0.0f);
  CHECK(t.value[t.right[0]] == 0.75f);
  CHECK(t.value[0] == 0.5f);
  // Three identical trees: the mean is the tree's value.
  TrainParams three = OneTree({{"objective", "binary:logistic"}, {"max_depth", "1"}});
  three.n_estimators = 3;
  const float x = 5.0f;
  CHECK(Train(three, d).Predict(&x, 1, 1) == std::vector<float>{0.75f});
}

TEST_CASE("max_depth none grows until leaves are pure", "[unit]") {
  const DataSet d = Column({1, 2, 3, 4, 5, 6, 7, 8}, {0, 1, 0, 1, 0, 1, 0, 1});
  const Model m = Train(OneTree({{"objective", "binary:logistic"}}), d);
  CHECK(m.trees[0].NumLeaves() == 8);
  CHECK(Accuracy(m, d) == 1.0);
}

TEST_CASE("min_samples_split, min_samples_leaf and min_weight_fraction_leaf", "[unit]") {
  const DataSet d = Column({1, 2, 3, 4, 5, 6, 7, 8}, {0, 1, 0, 1, 0, 1, 0, 1});
  // 8 rows < min_samples_split = 9: the root stays a leaf.
  CHECK(Train(OneTree({{"objective", "binary:logistic"}, {"min_samples_split", "9"}}), d)
            .trees[0]
            .NumNodes() == 1);
  // Every leaf keeps at least 3 rows (the count channel); with 8 rows at most 2 leaves.
  const Model leafy =
      Train(OneTree({{"objective", "binary:logistic"}, {"min_samples_leaf", "3"}}), d);
  const Tree& t = leafy.trees[0];
  for (std::size_t i = 0; i < t.NumNodes(); ++i) {
    if (t.IsLeaf(i)) CHECK(t.sum_hessian[i] >= 3.0f);
  }
  CHECK(t.NumLeaves() <= 2);
  // A fraction 0.4 of the weight (3.2 rows) per leaf: the same bound.
  const Model weighted = Train(
      OneTree({{"objective", "binary:logistic"}, {"min_weight_fraction_leaf", "0.4"}}), d);
  for (std::size_t i = 0; i < weighted.trees[0].NumNodes(); ++i) {
    if (weighted.trees[0].IsLeaf(i)) CHECK(weighted.trees[0].sum_hessian[i] >= 3.2f);
  }
}

TEST_CASE("max_leaf_nodes grows best-first up to the limit", "[unit]") {
  const DataSet d = test::Friedman1(2000, 3);
  for (const int leaves : {2, 5, 17}) {
    const Model m = Train(OneTree({{"objective", "reg:squarederror"},
                                   {"max_leaf_nodes", std::to_string(leaves)}}),
                          d);
    CHECK(m.trees[0].NumLeaves() == static_cast<std::size_t>(leaves));
  }
  // Best-first with 2 leaves is the best root split: the same as max_depth = 1.
  const Model two = Train(OneTree({{"objective", "reg:squarederror"}, {"max_leaf_nodes", "2"}}), d);
  const Model stump = Train(OneTree({{"objective", "reg:squarederror"}, {"max_depth", "1"}}), d);
  CHECK(two.trees[0].threshold[0] == stump.trees[0].threshold[0]);
  CHECK(two.trees[0].split_feature[0] == stump.trees[0].split_feature[0]);
}

TEST_CASE("min_impurity_decrease uses scikit-learn's weighted improvement", "[unit]") {
  // Root improvement of the regression example: 140.1667 / 6 = 23.36 per unit weight.
  const DataSet d = Column({1, 2, 3, 4, 5, 6}, {1, 1, 2, 10, 11, 12});
  CHECK(Train(OneTree({{"objective", "reg:squarederror"}, {"max_depth", "1"},
                       {"min_impurity_decrease", "23.3"}}),
              d)
            .trees[0]
            .NumNodes() == 3);
  CHECK(Train(OneTree({{"objective", "reg:squarederror"}, {"max_depth", "1"},
                       {"min_impurity_decrease", "23.4"}}),
              d)
            .trees[0]
            .NumNodes() == 1);
}

TEST_CASE("sample weights act as repeated rows; class_weight balanced reweighs", "[unit]") {
  const DataSet repeated = Column({1, 2, 2, 3, 4, 5, 6, 6, 6}, {0, 1, 1, 0, 1, 0, 1, 1, 1});
  const DataSet weighted = Column({1, 2, 3, 4, 5, 6}, {0, 1, 0, 1, 0, 1}, {1, 2, 1, 1, 1, 3});
  const TrainParams p = OneTree({{"objective", "binary:logistic"}, {"max_depth", "2"}});
  const Model a = Train(p, repeated);
  const Model b = Train(p, weighted);
  CHECK(a.trees[0].threshold == b.trees[0].threshold);
  CHECK(a.trees[0].value == b.trees[0].value);
  CHECK(a.trees[0].sum_hessian == b.trees[0].sum_hessian);
  // balanced: 6 rows, 2 of class 1 -> w1 = 6 / (2 * 2) = 1.5, w0 = 6 / (2 * 4) = 0.75; the
  // root (no split allowed) then has P(1) = 2 * 1.5 / (2 * 1.5 + 4 * 0.75) = 0.5.
  const DataSet skewed = Column({1, 2, 3, 4, 5, 6}, {0, 0, 1, 0, 1, 0});
  const Model balanced = Train(OneTree({{"objective", "binary:logistic"}, {"max_depth", "0"},
                                        {"min_samples_split", "7"}, {"class_weight", "balanced"}}),
                               skewed);
  CHECK(balanced.trees[0].value[0] == 0.5f);
  CHECK(balanced.trees[0].sum_hessian[0] == 6.0f);
}

TEST_CASE("missing values: a learned direction per split", "[unit]") {
  // Missing rows have label 1, like the high values: they must join the right side.
  const float nan = kMissing;
  const DataSet d = Column({1, 2, 3, nan, 7, 8, 9, nan}, {0, 0, 0, 1, 1, 1, 1, 1});
  const Model m = Train(OneTree({{"objective", "binary:logistic"}, {"max_depth", "1"}}), d);
  const Tree& t = m.trees[0];
  CHECK(t.default_left[0] == 0);
  CHECK(t.value[t.right[0]] == 1.0f);
  CHECK(m.Predict(&nan, 1, 1) == std::vector<float>{1.0f});
  // Missing alone separates the classes: "missing vs present" is a candidate too.
  const DataSet alone = Column({1, 2, 3, nan, 7, 8, nan, nan}, {0, 0, 0, 1, 0, 0, 1, 1});
  const Model m2 = Train(OneTree({{"objective", "binary:logistic"}, {"max_depth", "1"}}), alone);
  CHECK(m2.trees[0].NumLeaves() == 2);
  CHECK(Accuracy(m2, alone) == 1.0);
}

TEST_CASE("out-of-bag score: accuracy and R^2 on rows a tree did not draw", "[unit]") {
  // Two values, one per class: every tree that saw both classes separates them, so every
  // out-of-bag prediction (a mean over about 18 trees) is right.
  DataSet d = Column({1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2}, {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1});
  TrainParams p = ParseParams({{"algorithm", "random_forest"}, {"objective", "binary:logistic"},
                               {"n_estimators", "50"}, {"oob_score", "true"}});
  const Model m = Train(p, d);
  REQUIRE(m.oob_score.has_value());
  CHECK(*m.oob_score == 1.0);
  // Without oob_score there is none.
  p.oob_score = false;
  CHECK_FALSE(Train(p, d).oob_score.has_value());
  // Regression: a noiseless step has R^2 near 1 out of bag; noise alone has R^2 near or below 0.
  const DataSet f = test::Friedman1(3000, 5);
  const Model r = Train(ParseParams({{"algorithm", "random_forest"},
                                     {"objective", "reg:squarederror"}, {"n_estimators", "30"},
                                     {"oob_score", "true"}}),
                        f);
  REQUIRE(r.oob_score.has_value());
  CHECK(*r.oob_score > 0.8);
  CHECK(*r.oob_score < 1.0);
}

TEST_CASE("impurity importances: normalised, informative features first", "[unit]") {
  // A stump on one column: all importance on it.
  const Model stump = Train(OneTree({{"objective", "reg:squarederror"}, {"max_depth", "1"}}),
                            Column({1, 2, 3, 4, 5, 6}, {1, 1, 2, 10, 11, 12}));
  CHECK(stump.ImpurityImportance() == std::vector<double>{1.0});
  const Model m = Train(ParseParams({{"algorithm", "random_forest"},
                                     {"objective", "reg:squarederror"}, {"n_estimators", "20"},
                                     {"max_depth", "8"}}),
                        test::Friedman1(3000, 6));
  const std::vector<double> imp = m.ImpurityImportance();
  REQUIRE(imp.size() == 10);
  CHECK(std::accumulate(imp.begin(), imp.end(), 0.0) == Approx(1.0));
  // Friedman #1: x3 (10 x3) and x0, x1 carry most; x5..x9 are noise.
  for (int noise = 5; noise < 10; ++noise) CHECK(imp[3] > 4 * imp[noise]);
  const Model gbdt = Train(ParseParams({{"objective", "reg:squarederror"}, {"num_round", "2"}}),
                           test::Friedman1(200, 6));
  CHECK_THROWS_WITH(gbdt.ImpurityImportance(), Catch::Contains("FeatureImportance(kTotalGain)"));
}

TEST_CASE("forest parameters and data are validated with clear messages", "[unit]") {
  const DataSet d = Column({1, 2, 3, 4}, {0, 1, 0, 2});
  CHECK_THROWS_WITH(Train(OneTree({{"objective", "binary:logistic"}}), d),
                    Catch::Contains("label 2 at row 4 is not a class index in [0, 1]"));
  CHECK_THROWS_WITH(
      Train(ParseParams({{"algorithm", "random_forest"}, {"objective", "binary:logistic"},
                         {"max_features", "3"}}),
            Column({1, 2, 3, 4}, {0, 1, 0, 1})),
      Catch::Contains("max_features: 3 is more than the 1 features"));
  CHECK_THROWS_WITH(ParseParams({{"algorithm", "random_forest"}, {"objective", "reg:gamma"}}),
                    Catch::Contains("not objective=reg:gamma"));
  CHECK_THROWS_WITH(ParseParams({{"algorithm", "random_forest"}, {"criterion", "gini"}}),
                    Catch::Contains("criterion=gini is for classification"));
  CHECK_THROWS_WITH(ParseParams({{"algorithm", "random_forest"}, {"oob_score", "true"},
                                 {"bootstrap", "false"}}),
                    Catch::Contains("oob_score=true needs bootstrap=true"));
  CHECK_THROWS_WITH(Train(OneTree({{"objective", "binary:logistic"}}),
                          Column({1, 2}, {0, 1}, {0, 0})),
                    Catch::Contains("weight 0"));
  CHECK_THROWS_WITH(Train(OneTree({{"objective", "reg:squarederror"}}),
                          Column({1, 2}, {0, kMissing})),
                    Catch::Contains("label nan at row 2 is not a finite number"));
}

TEST_CASE("forests are bit-identical for any thread count", "[unit]") {
  const DemoData demo = MakeDemoData(3000, 7);
  Params p = {{"algorithm", "random_forest"}, {"objective", "binary:logistic"},
              {"n_estimators", "12"}, {"max_depth", "10"}, {"min_samples_leaf", "2"},
              {"random_state", "42"}, {"oob_score", "true"}, {"class_weight", "balanced_subsample"}};
  p["n_jobs"] = "1";
  const Model one = Train(ParseParams(p), demo.train);
  REQUIRE(one.oob_score.has_value());
  for (const char* jobs : {"3", "16"}) {  // 16 > 12 trees: threads inside the trees too
    p["n_jobs"] = jobs;
    const Model other = Train(ParseParams(p), demo.train);
    CHECK(other.trees == one.trees);
    CHECK(other.oob_score == one.oob_score);
  }
  p["random_state"] = "43";
  CHECK(Train(ParseParams(p), demo.train).trees != one.trees);
}

TEST_CASE("forests: rows of tiny weight keep their bins non-empty for any thread count", "[unit]") {
  // x in {0, 1, 2, 3}: class 0 at 0, class 1 elsewhere, the rows at 1 and 2 of weight 1e-15,
  // which would round to 0 in fixed point (scale 2^45 for 70,000 rows). The root (70,000 rows)
  // is built block-parallel with 2 threads, which tests bins by their sums, and in one pass with
  // 1 thread, which marks the bins rows fall in: both must see bins 1 and 2 as non-empty and
  // split after bin 0, at x < 1 (zero-valued bins would move the 2-thread split to x < 2).
  const std::size_t n = 70'000;
  DataSet data;
  DenseMatrix x(n, 1);
  for (std::size_t r = 0; r < n; ++r) {
    const auto v = static_cast<float>(r % 4);
    x.At(r, 0) = v;
    data.labels.push_back(v == 0.0f ? 0.0f : 1.0f);
    data.weights.push_back(v == 1.0f || v == 2.0f ? 1e-15f : 1.0f);
  }
  data.features = std::move(x);
  data.schema = Schema::Numeric(1);
  Params p = {{"algorithm", "random_forest"},
              {"objective", "binary:logistic"},
              {"n_estimators", "1"},
              {"bootstrap", "false"},
              {"max_depth", "1"},
              {"max_features", "none"}};
  p["n_jobs"] = "1";
  const Model one = Train(ParseParams(p), data);
  p["n_jobs"] = "2";
  const Model two = Train(ParseParams(p), data);
  REQUIRE(one.trees.size() == 1);
  CHECK(one.trees == two.trees);
  CHECK(one.trees[0].split_feature[0] == 0);
  CHECK(one.trees[0].threshold[0] < 1.5f);  // after bin 0, not in the middle of bins 1 and 2
}

TEST_CASE("forest models save, load and predict the same", "[unit]") {
  const DataSet blobs = test::Blobs(900, 8);
  const Model m = Train(ParseParams({{"algorithm", "random_forest"},
                                     {"objective", "multi:softprob"}, {"num_class", "3"},
                                     {"n_estimators", "10"}, {"oob_score", "true"}}),
                        blobs);
  test::TempDir dir;
  m.Save(dir / "forest.json");
  const Model back = Model::Load(dir / "forest.json");
  CHECK(back.ToJson() == m.ToJson());
  CHECK(back.oob_score == m.oob_score);
  CHECK(back.Predict(blobs.Dense()) == m.Predict(blobs.Dense()));
  const std::vector<float> p = m.Predict(blobs.Dense());
  for (std::size_t r = 0; r < 10; ++r) {
    CHECK(p[3 * r] + p[3 * r + 1] + p[3 * r + 2] == Approx(1.0f).epsilon(1e-5));
  }
  CHECK(Accuracy(m, blobs) > 0.9);
}

TEST_CASE("the round callback reports eval-set metrics and the out-of-bag score", "[unit]") {
  const DemoData demo = MakeDemoData(2000, 9);
  const TrainParams p = ParseParams({{"algorithm", "random_forest"},
                                     {"objective", "binary:logistic"}, {"n_estimators", "10"},
                                     {"oob_score", "true"}, {"eval_metric", "auc"}});
  std::vector<EvalResult> seen;
  TrainOptions options;
  options.on_round = [&](const RoundInfo& round) {
    seen = round.results;
    return true;
  };
  const std::vector<EvalSet> evals = {{"validation", &demo.test}};
  const Model m = Train(p, demo.train, evals, options);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].set == "validation");
  CHECK(seen[0].metric == "auc");
  CHECK(seen[0].value > 0.8);
  CHECK(seen[1].set == "oob");
  CHECK(seen[1].value == *m.oob_score);
}
