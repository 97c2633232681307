// XGBoost export/import without XGBoost: float text, the written document's shape (the rules of
// shared/docs/xgboost-json-model.md), grove -> XGBoost JSON -> grove round trips that must
// predict bit for bit, and every refusal message. xgboost_peer_test.cc runs XGBoost itself.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "engine/src/xgboost_format.h"
#include "grove/errors.h"
#include "grove/xgboost.h"
#include "model_test_util.h"
#include "test_util.h"

using namespace grove;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

Model RandomModel(std::mt19937& rng, const std::string& objective, int outputs, int rounds,
                  std::vector<float> base) {
  Model model;
  model.params.objective = objective;
  if (outputs > 1) model.params.num_class = outputs;
  model.num_outputs = outputs;
  model.num_features = 5;
  model.trees_per_round = outputs;
  model.base_margin = std::move(base);
  for (int r = 0; r < rounds; ++r) {
    for (int k = 0; k < outputs; ++k) {
      model.trees.push_back(test::RandomTree(rng, 1 + (r + k) % 4, 5));
      model.tree_group.push_back(k);
    }
  }
  return model;
}

std::vector<float> Margins(const Model& model, const DenseMatrix& x) {
  PredictOptions options;
  options.type = PredictType::kMargin;
  return model.Predict(x, options);
}

// Every float array element carries '.' or an exponent (XGBoost types bare digits as integers).
void CheckFloatTokens(const std::string& text, const std::string& key) {
  std::size_t at = 0;
  while ((at = text.find("\"" + key + "\":[", at)) != std::string::npos) {
    const std::size_t begin = text.find('[', at) + 1;
    const std::size_t end = text.find(']', begin);
    std::size_t item = begin;
    while (item < end) {
      std::size_t next = text.find(',', item);
      if (next == std::string::npos || next > end) next = end;
      const std::string token = text.substr(item, next - item);
      INFO(key << " token " << token);
      CHECK(token.find_first_of(".eE") != std::string::npos);
      item = next + 1;
    }
    at = end;
  }
}

}  // namespace

TEST_CASE("float text: shortest round trip in XGBoost's scientific style", "[unit]") {
  CHECK(detail::XGBoostFloatText(1.0f) == "1E0");
  CHECK(detail::XGBoostFloatText(0.0f) == "0E0");
  CHECK(detail::XGBoostFloatText(0.25f) == "2.5E-1");
  CHECK(detail::XGBoostFloatText(-300.0f) == "-3E2");
  CHECK(detail::XGBoostFloatText(0.1f) == "1E-1");
  CHECK(detail::XGBoostFloatText(1.5e-20f) == "1.5E-20");
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::uint32_t> bits(0, 0x7f7fffffU);
  for (int i = 0; i < 2000; ++i) {
    const float f = std::bit_cast<float>(bits(rng) | ((i & 1) ? 0x80000000U : 0U));
    const std::string text = detail::XGBoostFloatText(f);
    CHECK(std::bit_cast<std::uint32_t>(std::strtof(text.c_str(), nullptr)) ==
          std::bit_cast<std::uint32_t>(f));
    std::size_t digits = 0;
    for (const char c : text.substr(0, text.find('E'))) digits += std::isdigit(c) ? 1 : 0;
    CHECK(digits <= 9);
  }
}

TEST_CASE("export: the document follows the universal dialect", "[unit]") {
  std::mt19937 rng(1);
  const Model model = RandomModel(rng, "binary:logistic", 1, 3, {0.7f});
  const std::string text = ToXGBoostJson(model);
  REQUIRE(text.front() == '{');
  const Json doc = Json::parse(text);
  const Json& learner = doc["learner"];
  CHECK(doc["version"] == Json::array({1, 7, 4}));
  CHECK(learner["attributes"] == Json::object());
  CHECK(learner["learner_model_param"]["base_score"] == "5E-1");  // neutral: intercept folded
  CHECK(learner["learner_model_param"]["num_class"] == "0");
  CHECK(learner["learner_model_param"]["num_feature"] == "5");
  CHECK(learner["objective"]["name"] == "binary:logistic");
  CHECK(learner["objective"]["reg_loss_param"]["scale_pos_weight"] == "1E0");
  const Json& gbtree = learner["gradient_booster"]["model"];
  CHECK(learner["gradient_booster"]["name"] == "gbtree");
  CHECK(gbtree["gbtree_model_param"]["num_trees"] == "3");
  CHECK(gbtree["gbtree_model_param"]["num_parallel_tree"] == "1");
  CHECK(gbtree["tree_info"] == Json::array({0, 0, 0}));
  CHECK(gbtree["iteration_indptr"] == Json::array({0, 1, 2, 3}));
  for (std::size_t t = 0; t < 3; ++t) {
    const Json& tree = gbtree["trees"][t];
    CHECK(tree["id"] == t);
    CHECK(tree["tree_param"]["num_deleted"] == "0");
    CHECK(tree["tree_param"]["size_leaf_vector"] == "1");
    CHECK(tree["parents"][0] == 2147483647);
    const auto n = tree["left_children"].size();
    CHECK(tree["tree_param"]["num_nodes"] == std::to_string(n));
    for (std::size_t i = 0; i < n; ++i) {
      const int left = tree["left_children"][i];
      if (left == -1) {
        CHECK(tree["split_indices"][i] == 0);
        const float leaf = tree["split_conditions"][i].get<float>();
        const float original = model.trees[t].value[i];
        // Tree 0 carries the intercept: fl(margin + leaf), grove's first addition.
        CHECK(leaf == (t == 0 ? model.base_margin[0] + original : original));
      } else {
        CHECK(tree["right_children"][i] == left + 1);
      }
    }
  }
  for (const char* key : {"split_conditions", "base_weights", "loss_changes", "sum_hessian"}) {
    CheckFloatTokens(text, key);
  }
}

TEST_CASE("export: each objective's parameter object and base_score", "[unit]") {
  std::mt19937 rng(2);
  const struct {
    const char* objective;
    const char* param_object;
    const char* base_score;
  } cases[] = {
      {"reg:squarederror", "reg_loss_param", "7E-1"},  // identity link: written exactly
      {"count:poisson", "poisson_regression_param", "1E0"},
      {"reg:tweedie", "tweedie_regression_param", "1E0"},
      {"reg:gamma", "reg_loss_param", "1E0"},
      {"reg:pseudohubererror", "pseudo_huber_param", "7E-1"},
      {"binary:logitraw", "reg_loss_param", "7E-1"},
  };
  for (const auto& c : cases) {
    INFO(c.objective);
    const Json doc = Json::parse(ToXGBoostJson(RandomModel(rng, c.objective, 1, 2, {0.7f})));
    CHECK(doc["learner"]["objective"].contains(c.param_object));
    CHECK(doc["learner"]["learner_model_param"]["base_score"] == c.base_score);
  }
  const Json multi = Json::parse(ToXGBoostJson(RandomModel(rng, "multi:softprob", 3, 2,
                                                           {0.5f, 0.5f, 0.5f})));
  CHECK(multi["learner"]["objective"]["softmax_multiclass_param"]["num_class"] == "3");
  CHECK(multi["learner"]["learner_model_param"]["num_class"] == "3");
  CHECK(multi["learner"]["learner_model_param"]["base_score"] == "5E-1");
  CHECK(multi["learner"]["gradient_booster"]["model"]["tree_info"] ==
        Json::array({0, 1, 2, 0, 1, 2}));
}

TEST_CASE("export then import predicts bit for bit", "[unit]") {
  std::mt19937 rng(3);
  const DenseMatrix x = test::RandomMatrix(rng, 500, 5, 0.15);
  const struct {
    const char* objective;
    int outputs;
    std::vector<float> base;
  } cases[] = {
      {"reg:squarederror", 1, {-1.25f}},
      {"binary:logistic", 1, {-0.4054651f}},
      {"count:poisson", 1, {0.9f}},
      {"reg:tweedie", 1, {-2.0f}},
      {"multi:softprob", 3, {0.5f, 0.5f, 0.5f}},
      {"multi:softmax", 3, {0.1f, -0.2f, 0.3f}},  // unequal margins: folded per class
  };
  for (const auto& c : cases) {
    INFO(c.objective);
    const Model model = RandomModel(rng, c.objective, c.outputs, 6, c.base);
    const Model back = XGBoostModelFromBytes(ToXGBoostJson(model), "exported");
    CHECK(back.params.objective == c.objective);
    CHECK(back.num_outputs == c.outputs);
    CHECK(test::BitIdentical(Margins(back, x), Margins(model, x)));
    CHECK(test::BitIdentical(back.Predict(x), model.Predict(x)));
    // UBJSON of the same document (nlohmann writes the generic, untyped containers).
    const std::vector<std::uint8_t> ubj = Json::to_ubjson(Json::parse(ToXGBoostJson(model)));
    const Model from_ubj = XGBoostModelFromBytes(
        std::string_view(reinterpret_cast<const char*>(ubj.data()), ubj.size()), "exported.ubj");
    CHECK(test::BitIdentical(Margins(from_ubj, x), Margins(model, x)));
  }
}

TEST_CASE("export: children renumbered so that right = left + 1", "[unit]") {
  // Node 0 splits into 2 (left) and 1 (right): valid in grove, not in XGBoost's layout.
  Tree tree;
  tree.left = {2, -1, -1};
  tree.right = {1, -1, -1};
  tree.parent = {-1, 0, 0};
  tree.split_feature = {1, 0, 0};
  tree.threshold = {0.0f, 0.0f, 0.0f};
  tree.default_left = {1, 0, 0};
  tree.value = {0.0f, 5.0f, -5.0f};
  tree.loss_change = {3.0f, 0.0f, 0.0f};
  tree.sum_hessian = {4.0f, 2.0f, 2.0f};
  Model model = test::MakeModel({tree}, 2);
  const Json doc = Json::parse(ToXGBoostJson(model));
  const Json& t = doc["learner"]["gradient_booster"]["model"]["trees"][0];
  CHECK(t["left_children"] == Json::array({1, -1, -1}));
  CHECK(t["right_children"] == Json::array({2, -1, -1}));
  CHECK(t["split_conditions"][1].get<float>() == -5.0f);
  DenseMatrix x(3, 2);
  x.At(0, 1) = -1.0f;
  x.At(1, 1) = 1.0f;  // row 2 missing: default left
  const Model back = XGBoostModelFromBytes(doc.dump(), "renumbered");
  CHECK(test::BitIdentical(back.Predict(x), model.Predict(x)));
  CHECK(model.Predict(x) == std::vector<float>{-5.0f, 5.0f, -5.0f});
}

TEST_CASE("export: rounds after best_iteration are left out", "[unit]") {
  std::mt19937 rng(4);
  Model model = RandomModel(rng, "reg:squarederror", 1, 5, {0.0f});
  model.best_iteration = 1;
  const Json doc = Json::parse(ToXGBoostJson(model));
  CHECK(doc["learner"]["gradient_booster"]["model"]["gbtree_model_param"]["num_trees"] == "2");
  const DenseMatrix x = test::RandomMatrix(rng, 50, 5, 0.1);
  CHECK(test::BitIdentical(XGBoostModelFromBytes(doc.dump(), "m").Predict(x), model.Predict(x)));
}

TEST_CASE("export refuses what XGBoost cannot reproduce, saying why", "[unit]") {
  std::mt19937 rng(5);
  Model forest = RandomModel(rng, "multi:softprob", 3, 1, {0.0f, 0.0f, 0.0f});
  forest.params.algorithm = "random_forest";
  forest.trees_per_round = 3;
  CHECK_THROWS_WITH(ToXGBoostJson(forest),
                    Contains("multi-class random forest") && Contains("softmax"));

  Model diverged = RandomModel(rng, "reg:squarederror", 1, 2, {0.0f});
  diverged.trees[1].value[diverged.trees[1].NumNodes() - 1] = std::nanf("");
  CHECK_THROWS_WITH(ToXGBoostJson(diverged), Contains("tree 1") && Contains("diverged"));

  Model broken = RandomModel(rng, "reg:squarederror", 1, 2, {0.0f});
  broken.tree_group.pop_back();
  CHECK_THROWS_WITH(ToXGBoostJson(broken), Contains("invalid") && Contains("tree_group"));
}

TEST_CASE("binary and regression forests: identity objective, leaves scaled by 1/n", "[unit]") {
  std::mt19937 rng(6);
  Model forest = RandomModel(rng, "binary:logistic", 1, 4, {0.0f});
  forest.params.algorithm = "random_forest";
  const Json doc = Json::parse(ToXGBoostJson(forest));
  CHECK(doc["learner"]["objective"]["name"] == "reg:squarederror");
  const Json& gbtree = doc["learner"]["gradient_booster"]["model"];
  CHECK(gbtree["gbtree_model_param"]["num_parallel_tree"] == "4");
  CHECK(gbtree["iteration_indptr"] == Json::array({0, 4}));
  const Json& t0 = gbtree["trees"][0];
  for (std::size_t i = 0; i < forest.trees[0].NumNodes(); ++i) {
    if (forest.trees[0].IsLeaf(i)) {
      CHECK(t0["split_conditions"][i].get<float>() == forest.trees[0].value[i] / 4.0f);
    }
  }
}

TEST_CASE("forests of any tree count: the file's leaves add up to grove's mean", "[unit]") {
  std::mt19937 rng(8);
  Model forest = RandomModel(rng, "reg:squarederror", 1, 5, {0.0f});
  forest.params.algorithm = "random_forest";
  const std::string text = ToXGBoostJson(forest);
  const DenseMatrix x = test::RandomMatrix(rng, 50, 5, 0.1);
  PredictOptions leaf_options;
  leaf_options.type = PredictType::kLeaf;
  const std::vector<float> leaves = forest.Predict(x, leaf_options);
  const std::vector<float> mean = forest.Predict(x);
  for (std::size_t r = 0; r < x.rows; ++r) {
    // By hand: each tree's leaf divided by 5 in float, added in tree order from 0.
    float expected = 0.0f;
    for (std::size_t t = 0; t < 5; ++t) {
      const auto leaf = static_cast<std::size_t>(leaves[r * 5 + t]);
      expected += forest.trees[t].value[leaf] / 5.0f;
    }
    CHECK(test::BitIdentical(std::vector<float>{mean[r]}, std::vector<float>{expected}));
  }
  // Read back as a plain sum of trees, the file predicts grove's bits.
  CHECK(test::BitIdentical(XGBoostModelFromBytes(text, "m").Predict(x), mean));

  // A share below float32's normal range is refused rather than written.
  forest.trees[0].value[forest.trees[0].NumNodes() - 1] = 4e-38f;
  CHECK_THROWS_WITH(ToXGBoostJson(forest), Contains("divided by 5 trees") &&
                                               Contains("normal range"));
}
