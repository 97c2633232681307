#include <catch2/catch.hpp>

#include <atomic>
#include <set>

#include "grove/demo.h"
#include "grove/errors.h"
#include "grove/metrics.h"
#include "grove/train.h"
#include "train_test_util.h"

using namespace grove;

namespace {

TrainParams Guide() {  // the user guide's built-in XGBoost hyperparameters (section 2.2)
  return ParseParams({{"objective", "binary:logistic"}, {"num_round", "100"},
                      {"max_depth", "5"}, {"eta", "0.2"}, {"gamma", "4"},
                      {"min_child_weight", "6"}, {"subsample", "0.8"}, {"eval_metric", "auc"}});
}

double Auc(const Model& model, const DataSet& data) {
  const std::vector<float> p = model.Predict(data.Dense());
  MetricInput input;
  input.predictions = p;
  input.labels = data.labels;
  return CreateMetric("auc")->Evaluate(input);
}

}  // namespace

TEST_CASE("training on the guide's demo data learns the rule", "[unit]") {
  const DemoData demo = MakeDemoData();
  const std::vector<EvalSet> evals = {{"train", &demo.train}, {"validation", &demo.test}};
  std::vector<RoundInfo> rounds;
  TrainOptions options;
  options.on_round = [&](const RoundInfo& r) {
    rounds.push_back(r);
    return true;
  };
  const Model model = Train(Guide(), demo.train, evals, options);
  REQUIRE(model.NumRounds() == 100);
  REQUIRE(rounds.size() == 100);
  CHECK(rounds.front().iteration == 0);
  REQUIRE(rounds.back().results.size() == 2);
  CHECK(rounds.back().results[1].set == "validation");
  CHECK(rounds.back().results[1].metric == "auc");
  // The noise-free rule itself scores ~0.97 on the held-out rows (grove demo prints it); a
  // boosted model of depth 5 should come close.
  const double auc = Auc(model, demo.test);
  CHECK(auc > 0.95);
  // The eval-set cache holds the same bits as Model::Predict, so the metric is identical.
  CHECK(rounds.back().results[1].value == auc);
  for (const Tree& tree : model.trees) CHECK(tree.Depth() <= 5);
}

TEST_CASE("the model bits do not depend on the thread count", "[unit]") {
  const DemoData demo = MakeDemoData(4000, 3);
  TrainParams params = Guide();
  params.num_round = 20;
  params.colsample_bytree = 0.8;
  params.colsample_bynode = 0.7;
  // The stored config records nthread itself; everything else must match bit for bit.
  const auto train_with = [&](int threads) {
    params.nthread = threads;
    Model model = Train(params, demo.train);
    model.params.nthread = 0;
    return model.ToJson();
  };
  const std::string one = train_with(1);
  const std::string two = train_with(2);
  const std::string four = train_with(4);
  CHECK(one == two);
  CHECK(one == four);
}

TEST_CASE("resuming after round k gives the bits of an uninterrupted run", "[unit]") {
  const DemoData demo = MakeDemoData(3000, 5);
  TrainParams params = Guide();
  params.num_round = 12;
  params.colsample_bylevel = 0.6;
  const Model straight = Train(params, demo.train);
  params.num_round = 5;
  const Model first = Model::FromJson(Train(params, demo.train).ToJson());  // as from a file
  params.num_round = 12;
  TrainOptions options;
  options.resume = &first;
  const Model resumed = Train(params, demo.train, {}, options);
  CHECK(resumed.NumRounds() == 12);
  CHECK(resumed.ToJson() == straight.ToJson());
}

TEST_CASE("cancellation stops at a round boundary with the rounds done so far", "[unit]") {
  const DemoData demo = MakeDemoData(2000, 1);
  std::atomic<bool> cancel{false};
  TrainOptions options;
  options.cancel = &cancel;
  options.on_round = [&](const RoundInfo& r) {
    if (r.iteration == 3) cancel = true;
    return true;
  };
  const Model model = Train(Guide(), demo.train, {}, options);
  CHECK(model.NumRounds() == 4);
  cancel = true;
  CHECK(Train(Guide(), demo.train, {}, options).NumRounds() == 0);
}

TEST_CASE("early stopping watches the last metric of the last eval set", "[unit]") {
  const DemoData demo = MakeDemoData(2000, 2);
  TrainParams params = ParseParams({{"objective", "binary:logistic"}, {"num_round", "300"},
                                    {"eta", "0.5"}, {"max_depth", "6"},
                                    {"eval_metric", "auc,logloss"},
                                    {"early_stopping_rounds", "5"}, {"min_child_weight", "0"}});
  const std::vector<EvalSet> evals = {{"validation", &demo.test}};
  std::vector<double> logloss;
  TrainOptions options;
  options.on_round = [&](const RoundInfo& r) {
    logloss.push_back(r.results.back().value);
    return true;
  };
  const Model model = Train(params, demo.train, evals, options);
  REQUIRE(model.best_iteration >= 0);
  const int rounds = model.NumRounds();
  CHECK(rounds < 300);
  CHECK(rounds == model.best_iteration + 1 + 5);
  const auto best = std::min_element(logloss.begin(), logloss.end());
  CHECK(best - logloss.begin() == model.best_iteration);
  CHECK(model.best_score == *best);
  // Prediction uses the best iteration's trees by default.
  PredictOptions all;
  all.use_best_iteration = false;
  CHECK(model.RoundsToUse(PredictOptions{}) == model.best_iteration + 1);
  CHECK(model.RoundsToUse(all) == rounds);
}

TEST_CASE("resuming a model whose early stopping ended it trains no more rounds", "[unit]") {
  const DemoData demo = MakeDemoData(2000, 2);
  const TrainParams params = ParseParams({{"objective", "binary:logistic"}, {"num_round", "300"},
                                          {"eta", "0.5"}, {"max_depth", "6"},
                                          {"eval_metric", "logloss"},
                                          {"early_stopping_rounds", "4"}, {"min_child_weight", "0"}});
  const std::vector<EvalSet> evals = {{"validation", &demo.test}};
  const Model first = Train(params, demo.train, evals);
  REQUIRE(first.NumRounds() < 300);
  REQUIRE(first.NumRounds() == first.best_iteration + 1 + 4);
  const Model saved = Model::FromJson(first.ToJson());
  int rounds_called = 0;
  TrainOptions options;
  options.resume = &saved;
  options.on_round = [&](const RoundInfo&) { return ++rounds_called > 0; };
  const Model again = Train(params, demo.train, evals, options);
  CHECK(rounds_called == 0);
  CHECK(again.ToJson() == first.ToJson());
}

TEST_CASE("a label outside the domain is a LabelError naming the set and its row", "[unit]") {
  const DemoData demo = MakeDemoData(500, 3);
  DataSet validation = demo.test;
  validation.labels[7] = 3.0f;
  const std::vector<EvalSet> evals = {{"validation", &validation}};
  const TrainParams params = ParseParams({{"objective", "binary:logistic"}, {"num_round", "2"}});
  try {
    Train(params, demo.train, evals);
    FAIL("no error for label 3 under binary:logistic");
  } catch (const LabelError& e) {
    CHECK(e.set() == "validation");
    CHECK(e.row() == 7);
    CHECK(std::string(e.what()) ==
          "validation: label 3 at row 8 is not in [0, 1] as binary:logistic requires");
  }
}

TEST_CASE("monotone constraints give monotone predictions", "[unit]") {
  DataSet data = test::Friedman1(3000, 4);
  TrainParams params = ParseParams({{"objective", "reg:squarederror"}, {"num_round", "30"},
                                    {"monotone_constraints", "(1,0,-1,1,0,0,0,0,0,0)"}});
  const Model model = Train(params, data);
  // Sweep each constrained feature with the others fixed at random rows.
  for (const int feature : {0, 2, 3}) {
    const int sign = feature == 2 ? -1 : 1;
    for (std::size_t row = 0; row < 20; ++row) {
      DenseMatrix sweep(51, 10);
      for (std::size_t i = 0; i < 51; ++i) {
        for (std::size_t c = 0; c < 10; ++c) sweep.At(i, c) = data.Dense().At(row, c);
        sweep.At(i, feature) = static_cast<float>(i) / 50.0f;
      }
      const std::vector<float> p = model.Predict(sweep);
      for (std::size_t i = 1; i < p.size(); ++i) CHECK(sign * (p[i] - p[i - 1]) >= 0.0f);
    }
  }
}

TEST_CASE("interaction constraints keep every path inside one group", "[unit]") {
  DataSet data = test::Friedman1(3000, 6);
  TrainParams params = ParseParams({{"objective", "reg:squarederror"}, {"num_round", "20"},
                                    {"max_depth", "4"},
                                    {"interaction_constraints", "[[0,1],[2,3,4]]"}});
  const Model model = Train(params, data);
  const std::vector<std::set<std::uint32_t>> groups = {{0, 1}, {2, 3, 4}};
  for (const Tree& tree : model.trees) {
    // Walk every root-to-leaf path and collect its features.
    std::vector<std::pair<int, std::set<std::uint32_t>>> stack = {{0, {}}};
    while (!stack.empty()) {
      auto [node, path] = stack.back();
      stack.pop_back();
      if (tree.IsLeaf(node)) {
        if (path.size() <= 1) continue;
        const bool inside = std::any_of(groups.begin(), groups.end(), [&](const auto& g) {
          return std::includes(g.begin(), g.end(), path.begin(), path.end());
        });
        CHECK(inside);
        continue;
      }
      path.insert(tree.split_feature[node]);
      stack.push_back({tree.left[node], path});
      stack.push_back({tree.right[node], path});
    }
  }
}

TEST_CASE("lossguide honours max_leaves and depthwise honours max_depth", "[unit]") {
  DataSet data = test::Friedman1(4000, 7);
  TrainParams params = ParseParams({{"objective", "reg:squarederror"}, {"num_round", "10"},
                                    {"grow_policy", "lossguide"}, {"max_leaves", "7"},
                                    {"max_depth", "0"}});
  for (const Tree& tree : Train(params, data).trees) CHECK(tree.NumLeaves() <= 7);
  params = ParseParams({{"objective", "reg:squarederror"}, {"num_round", "10"},
                        {"max_depth", "3"}});
  for (const Tree& tree : Train(params, data).trees) {
    CHECK(tree.Depth() <= 3);
    CHECK(tree.NumLeaves() <= 8);
  }
}

TEST_CASE("multi:softprob trains one tree per class per round", "[unit]") {
  const DataSet data = test::Blobs(3000, 8);
  TrainParams params = ParseParams({{"objective", "multi:softprob"}, {"num_class", "3"},
                                    {"num_round", "15"}, {"max_depth", "3"}});
  const Model model = Train(params, data);
  CHECK(model.trees.size() == 45);
  CHECK(model.num_outputs == 3);
  const std::vector<float> p = model.Predict(data.Dense());
  REQUIRE(p.size() == 9000);
  std::size_t correct = 0;
  for (std::size_t r = 0; r < 3000; ++r) {
    CHECK(p[3 * r] + p[3 * r + 1] + p[3 * r + 2] == Approx(1.0f).epsilon(1e-5));
    const auto best = std::max_element(p.begin() + 3 * r, p.begin() + 3 * r + 3) - (p.begin() + 3 * r);
    correct += static_cast<std::size_t>(best) == static_cast<std::size_t>(data.labels[r]);
  }
  CHECK(correct > 2400);  // the blobs overlap; ~85-90% is attainable
}

TEST_CASE("bad labels, weights and shapes are rejected with row and value", "[unit]") {
  DemoData demo = MakeDemoData(200, 1);
  DataSet bad = demo.train;
  bad.labels[17] = 2.0f;
  CHECK_THROWS_WITH(Train(Guide(), bad), Catch::Contains("18") && Catch::Contains("2"));
  bad = demo.train;
  bad.weights.assign(bad.NumRows(), 1.0f);
  bad.weights[4] = -1.0f;
  CHECK_THROWS_WITH(Train(Guide(), bad), Catch::Contains("weight -1 at row 5"));
  DataSet narrow = demo.test;
  narrow.features = DenseMatrix(narrow.NumRows(), 3, 0.0f);
  const std::vector<EvalSet> evals = {{"validation", &narrow}};
  CHECK_THROWS_WITH(Train(Guide(), demo.train, evals),
                    Catch::Contains("validation: 3 features, but the training data has 5"));
  TrainParams unknown_metric = Guide();
  unknown_metric.eval_metric = {"aucc"};
  CHECK_THROWS_AS(Train(unknown_metric, demo.train), InvalidInput);
}

TEST_CASE("MakeDataSet takes raw arrays and Eigen matrices alike", "[unit]") {
  Eigen::MatrixXf col_major(3, 2);
  col_major << 1, 2, 3, 4, 5, 6;
  const std::vector<float> labels = {0, 1, 0};
  const DataSet a = MakeDataSet(col_major, labels);
  const std::vector<float> row_major = {1, 2, 3, 4, 5, 6};
  const DataSet b = MakeDataSet(row_major.data(), 3, 2, labels);
  CHECK(a.Dense().values == b.Dense().values);
  CHECK(a.labels == labels);
  CHECK_THROWS_AS(MakeDataSet(row_major.data(), 3, 2, std::vector<float>{0, 1}), InvalidInput);
}
