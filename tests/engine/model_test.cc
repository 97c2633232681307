// Tree building, Model::Predict (margins, values, leaves, inputs, threads) and importance.
#include "grove/model.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "tests/engine/model_test_util.h"

using namespace grove;
using grove::test::BitIdentical;
using grove::test::DepthTwoTree;
using grove::test::LeafTree;
using grove::test::MakeModel;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

PredictOptions Options(PredictType type, int nthread = 0) {
  PredictOptions options;
  options.type = type;
  options.nthread = nthread;
  return options;
}

}  // namespace

TEST_CASE("Tree::Split builds flat arrays with consecutive children", "[unit]") {
  const Tree tree = DepthTwoTree();
  REQUIRE(tree.NumNodes() == 5);
  CHECK(tree.left == std::vector<std::int32_t>{1, 3, -1, -1, -1});
  CHECK(tree.right == std::vector<std::int32_t>{2, 4, -1, -1, -1});
  CHECK(tree.parent == std::vector<std::int32_t>{-1, 0, 0, 1, 1});
  CHECK(tree.split_feature == std::vector<std::uint32_t>{0, 1, 0, 0, 0});
  CHECK(tree.threshold == std::vector<float>{0.5f, 2.0f, 0, 0, 0});
  CHECK(tree.default_left == std::vector<std::uint8_t>{1, 0, 0, 0, 0});
  // A split node keeps its weight (the value it had as a leaf).
  CHECK(tree.value == std::vector<float>{0.0f, 0.25f, 3.0f, 1.0f, 2.0f});
  CHECK(tree.loss_change == std::vector<float>{10.0f, 4.0f, 0, 0, 0});
  CHECK(tree.sum_hessian == std::vector<float>{10.0f, 6.0f, 4.0f, 2.0f, 4.0f});
  CHECK(tree.NumLeaves() == 3);
  CHECK(tree.Depth() == 2);
  CHECK(LeafTree(1.0f).NumLeaves() == 1);
  CHECK(LeafTree(1.0f).Depth() == 0);
  CHECK(Tree{}.NumLeaves() == 0);

  Tree copy = tree;
  CHECK_THROWS_AS(copy.Split(0, 0, 1.0f, false, 0, 0, 0, 0, 0), InternalError);  // not a leaf
  CHECK_THROWS_AS(copy.Split(7, 0, 1.0f, false, 0, 0, 0, 0, 0), InternalError);  // no node 7

  Tree forest_tree;
  forest_tree.leaf_size = 2;
  forest_tree.AddLeaf(Tree::kNoChild, 0.0f, 4.0f);
  forest_tree.Split(0, 0, 1.0f, false, 1.0f, 0.0f, 0.0f, 2.0f, 2.0f);
  CHECK(forest_tree.leaf_vector.size() == 6);  // NumNodes() * leaf_size, zero-filled
}

TEST_CASE("Predict follows thresholds (x == t goes right) and default directions", "[unit]") {
  const Model model = MakeModel({DepthTwoTree()}, 2, 0.5f);
  // Hand-traced through DepthTwoTree: leaf and margin = 0.5 + leaf value.
  const std::vector<float> rows = {
      0.0f,   1.0f,  // f0 < 0.5 -> node 1; f1 < 2 -> node 3
      0.5f,   1.0f,  // f0 == 0.5 is not < 0.5 -> node 2
      kNaN,   3.0f,  // f0 missing -> default left, node 1; f1 >= 2 -> node 4
      0.2f,   kNaN,  // node 1; f1 missing -> default right, node 4
      -1e30f, 2.0f,  // node 1; f1 == 2 -> node 4
      1.0f,   kNaN,  // node 2 (f1 is never read)
  };
  const std::vector<float> margins =
      model.Predict(rows.data(), 6, 2, Options(PredictType::kMargin));
  CHECK(margins == std::vector<float>{1.5f, 3.5f, 2.5f, 2.5f, 2.5f, 3.5f});
  const std::vector<float> leaves = model.Predict(rows.data(), 6, 2, Options(PredictType::kLeaf));
  CHECK(leaves == std::vector<float>{3, 2, 4, 4, 4, 2});
  // reg:squarederror's transform is the identity.
  CHECK(model.Predict(rows.data(), 6, 2) == margins);
}

TEST_CASE("Margins accumulate in float, in tree order, from the base margin", "[unit]") {
  // XGBoost's CPU predictor: float out = base; for each tree: out += leaf (float).
  // 1e8 + 1 rounds to 1e8 in float (spacing 8), then - 1e8 gives exactly 0; double
  // accumulation or another order would give 1.
  const Model ordered = MakeModel({LeafTree(1.0f), LeafTree(-1e8f)}, 1, 1e8f);
  const std::vector<float> row = {0.0f};
  CHECK(ordered.Predict(row.data(), 1, 1, Options(PredictType::kMargin))[0] == 0.0f);
  // 100 trees of 1e-8 vanish against 1.0f one at a time (a double sum would be 1.000001).
  const Model tiny = MakeModel(std::vector<Tree>(100, LeafTree(1e-8f)), 1, 1.0f);
  CHECK(tiny.Predict(row.data(), 1, 1, Options(PredictType::kMargin))[0] == 1.0f);
}

TEST_CASE("Multi-output models add each tree to its group's column", "[unit]") {
  Model model;
  model.num_features = 2;
  model.num_outputs = 3;
  model.trees_per_round = 3;
  model.params.objective = "multi:softprob";
  model.params.num_class = 3;
  model.base_margin = {0.5f, -0.5f, 0.0f};
  model.trees = {LeafTree(1.0f), LeafTree(2.0f), LeafTree(4.0f),
                 DepthTwoTree(), LeafTree(8.0f), LeafTree(16.0f)};
  model.tree_group = {0, 1, 2, 0, 1, 2};
  const std::vector<float> rows = {0.0f, 1.0f, 0.7f, 0.0f};  // DepthTwoTree: leaf 1, leaf 3
  const std::vector<float> margins =
      model.Predict(rows.data(), 2, 2, Options(PredictType::kMargin));
  CHECK(margins == std::vector<float>{0.5f + 1 + 1, -0.5f + 2 + 8, 0 + 4 + 16,  //
                                      0.5f + 1 + 3, -0.5f + 2 + 8, 0 + 4 + 16});
  const std::vector<float> leaves = model.Predict(rows.data(), 2, 2, Options(PredictType::kLeaf));
  CHECK(leaves == std::vector<float>{0, 0, 0, 3, 0, 0, 0, 0, 0, 2, 0, 0});

  SECTION("multi:softprob turns each row's margins into probabilities") {
    const std::vector<float> p = model.Predict(rows.data(), 2, 2);
    REQUIRE(p.size() == 6);
    for (std::size_t r = 0; r < 2; ++r) {
      double norm = 0;
      for (std::size_t k = 0; k < 3; ++k) norm += std::exp(double(margins[r * 3 + k]));
      for (std::size_t k = 0; k < 3; ++k) {
        CHECK(p[r * 3 + k] == Approx(std::exp(double(margins[r * 3 + k])) / norm).epsilon(1e-6));
      }
    }
  }
}

TEST_CASE("multi:softmax predicts one class index per row", "[unit]") {
  Model model;
  model.num_features = 2;
  model.num_outputs = 3;
  model.trees_per_round = 3;
  model.params.objective = "multi:softmax";
  model.params.num_class = 3;
  model.base_margin = {0.0f, 0.0f, 0.0f};
  model.trees = {DepthTwoTree(), LeafTree(1.5f), LeafTree(0.0f)};
  model.tree_group = {0, 1, 2};
  // DepthTwoTree gives 1 (row 0), 3 (row 1) and 2 (row 2) to class 0; class 1 has 1.5.
  const std::vector<float> rows = {0.0f, 1.0f, 0.7f, 0.0f, kNaN, 5.0f};
  CHECK(model.Predict(rows.data(), 3, 2) == std::vector<float>{1, 0, 0});
  CHECK(model.Predict(rows.data(), 3, 2, Options(PredictType::kMargin)).size() == 9);
}

TEST_CASE("Forest trees with leaf vectors add them to every output", "[unit]") {
  Tree tree;
  tree.leaf_size = 2;
  tree.AddLeaf(Tree::kNoChild, 0.0f, 2.0f);
  tree.Split(0, 0, 0.0f, true, 1.0f, 0.0f, 0.0f, 1.0f, 1.0f);
  tree.leaf_vector = {0, 0, 0.25f, 0.75f, 1.0f, 0.0f};  // node 1: (0.25, 0.75), node 2: (1, 0)
  Model model = MakeModel({tree, tree}, 1);
  model.num_outputs = 2;
  model.base_margin = {0.0f, 0.0f};
  const std::vector<float> rows = {-1.0f, 1.0f, kNaN};
  CHECK(model.Predict(rows.data(), 3, 1, Options(PredictType::kMargin)) ==
        std::vector<float>{0.5f, 1.5f, 2.0f, 0.0f, 0.5f, 1.5f});
}

TEST_CASE("RoundsToUse and Predict honour best_iteration", "[unit]") {
  Model model = MakeModel({LeafTree(1), LeafTree(2), LeafTree(4), LeafTree(8), LeafTree(16)}, 1);
  PredictOptions options = Options(PredictType::kMargin);
  const std::vector<float> row = {0.0f};
  CHECK(model.NumRounds() == 5);
  CHECK(model.RoundsToUse(options) == 5);
  CHECK(model.Predict(row.data(), 1, 1, options)[0] == 31.0f);
  model.best_iteration = 2;
  CHECK(model.RoundsToUse(options) == 3);
  CHECK(model.Predict(row.data(), 1, 1, options)[0] == 7.0f);
  options.type = PredictType::kLeaf;
  CHECK(model.Predict(row.data(), 1, 1, options).size() == 3);
  options.use_best_iteration = false;
  CHECK(model.RoundsToUse(options) == 5);
  CHECK(model.Predict(row.data(), 1, 1, options).size() == 5);

  // Rounds of a multi-output model hold trees_per_round trees.
  model.trees_per_round = 5;
  model.best_iteration = -1;
  CHECK(model.NumRounds() == 1);
}

TEST_CASE("Dense, CSR and raw-pointer inputs predict identically", "[unit]") {
  std::mt19937 rng(7);
  std::vector<Tree> trees;
  for (int t = 0; t < 40; ++t) trees.push_back(test::RandomTree(rng, 6, 10));
  const Model model = MakeModel(std::move(trees), 10, 0.25f);
  const DenseMatrix x = test::RandomMatrix(rng, 3000, 10, 0.3);
  const std::vector<float> expected = test::ReferenceMargins(model, x, model.trees.size());
  for (const PredictType type : {PredictType::kMargin, PredictType::kLeaf}) {
    const PredictOptions options = Options(type);
    const std::vector<float> dense = model.Predict(x, options);
    CHECK(BitIdentical(dense, model.Predict(test::ToCsr(x), options)));
    CHECK(BitIdentical(dense, model.Predict(x.values.data(), x.rows, x.cols, options)));
    if (type == PredictType::kMargin) CHECK(BitIdentical(dense, expected));
  }
  // A stored NaN in CSR is missing too, like an absent entry.
  CsrMatrix with_nan = test::ToCsr(x);
  with_nan.col_index.insert(with_nan.col_index.begin(), 0);
  with_nan.values.insert(with_nan.values.begin(), kNaN);
  for (std::size_t r = 1; r < with_nan.row_ptr.size(); ++r) ++with_nan.row_ptr[r];
  if (std::isnan(x.At(0, 0))) {
    CHECK(BitIdentical(model.Predict(with_nan, Options(PredictType::kMargin)), expected));
  }
}

TEST_CASE("Predictions are bit-identical for 1 and 2 threads on 100k rows", "[unit]") {
  std::mt19937 rng(11);
  std::vector<Tree> trees;
  for (int t = 0; t < 30; ++t) trees.push_back(test::RandomTree(rng, 5, 8));
  const Model model = MakeModel(std::move(trees), 8, -0.5f);
  const DenseMatrix x = test::RandomMatrix(rng, 100'000, 8, 0.1);
  const CsrMatrix csr = test::ToCsr(x);
  const std::vector<float> one = model.Predict(x, Options(PredictType::kMargin, 1));
  CHECK(BitIdentical(one, model.Predict(x, Options(PredictType::kMargin, 2))));
  CHECK(BitIdentical(one, model.Predict(csr, Options(PredictType::kMargin, 2))));
  CHECK(BitIdentical(one, test::ReferenceMargins(model, x, model.trees.size())));
  const std::vector<float> leaves = model.Predict(x, Options(PredictType::kLeaf, 1));
  CHECK(BitIdentical(leaves, model.Predict(x, Options(PredictType::kLeaf, 2))));
}

TEST_CASE("binary:logistic predictions are the sigmoid of the margins", "[unit]") {
  Model model = MakeModel({DepthTwoTree()}, 2, -1.0f);
  model.params.objective = "binary:logistic";
  const std::vector<float> rows = {0.0f, 1.0f, 0.5f, 1.0f};  // margins -1 + 1, -1 + 3
  CHECK(model.Predict(rows.data(), 2, 2, Options(PredictType::kMargin)) ==
        std::vector<float>{0.0f, 2.0f});
  const std::vector<float> p = model.Predict(rows.data(), 2, 2);
  CHECK(p[0] == Approx(0.5));
  CHECK(p[1] == Approx(1.0 / (1.0 + std::exp(-2.0))).epsilon(1e-6));
}

TEST_CASE("Predict rejects inputs and models it cannot use", "[unit]") {
  const Model model = MakeModel({DepthTwoTree()}, 2);
  const DenseMatrix three(1, 3, 0.0f);
  CHECK_THROWS_WITH(model.Predict(three), "model expects 2 features, input has 3");
  CsrMatrix csr;
  csr.rows = 1;
  csr.cols = 2;
  csr.row_ptr = {0, 1};
  csr.col_index = {5};
  csr.values = {1.0f};
  CHECK_THROWS_WITH(model.Predict(csr), Catch::Contains("row 0 has column index 5, expected < 2"));
  csr.row_ptr = {0, 2};
  CHECK_THROWS_AS(model.Predict(csr), InvalidInput);

  Model broken = model;
  broken.trees[0].right[1] = 17;
  const DenseMatrix two(1, 2, 0.0f);
  CHECK_THROWS_WITH(broken.Predict(two),
                    "invalid model: tree 0, node 1: right child 17 is outside [1, 5)");
  broken = model;
  broken.trees[0].split_feature[1] = 2;
  CHECK_THROWS_WITH(broken.Predict(two),
                    "invalid model: tree 0, node 1: split feature 2 is outside [0, 2)");
  broken = model;
  broken.tree_group = {1};
  CHECK_THROWS_WITH(broken.Predict(two), "invalid model: tree 0: output group 1 is outside [0, 1)");
  // Empty input: no rows, no work.
  CHECK(model.Predict(DenseMatrix(0, 2)).empty());
  // A model without splits needs no columns (and reads none).
  const Model constant = MakeModel({LeafTree(2.0f)}, 0, 1.0f);
  CHECK(constant.Predict(DenseMatrix(3, 0)) == std::vector<float>{3.0f, 3.0f, 3.0f});
  CHECK(constant.Predict(nullptr, 2, 0) == std::vector<float>{3.0f, 3.0f});
  CsrMatrix empty_rows;
  empty_rows.rows = 2;
  empty_rows.row_ptr = {0, 0, 0};
  CHECK(constant.Predict(empty_rows) == std::vector<float>{3.0f, 3.0f});
}

TEST_CASE("FeatureImportance follows XGBoost's get_score", "[unit]") {
  // Tree A: DepthTwoTree (f0: gain 10, cover 10; f1: gain 4, cover 6).
  // Tree B: one split on f1 with gain 6 and cover 50.
  Tree b;
  b.AddLeaf(Tree::kNoChild, 0.0f, 50.0f);
  b.Split(0, 1, 0.0f, false, 6.0f, -1.0f, 1.0f, 20.0f, 30.0f);
  Model model = MakeModel({DepthTwoTree(), b}, 3);  // f2 is never used
  using Scores = std::map<std::string, double>;
  CHECK(model.FeatureImportance(ImportanceType::kWeight) == Scores{{"f0", 1}, {"f1", 2}});
  CHECK(model.FeatureImportance(ImportanceType::kGain) == Scores{{"f0", 10}, {"f1", 5}});
  CHECK(model.FeatureImportance(ImportanceType::kCover) == Scores{{"f0", 10}, {"f1", 28}});
  CHECK(model.FeatureImportance(ImportanceType::kTotalGain) == Scores{{"f0", 10}, {"f1", 10}});
  CHECK(model.FeatureImportance(ImportanceType::kTotalCover) == Scores{{"f0", 10}, {"f1", 56}});
  // Names come from the schema; one-hot features are "column=category".
  model.schema.columns = {ColumnSpec{"age", ColumnKind::kNumeric, {}, 0},
                          ColumnSpec{"color", ColumnKind::kCategorical, {"blue", "red"}, 1}};
  CHECK(model.FeatureImportance(ImportanceType::kWeight) == Scores{{"age", 1}, {"color=blue", 2}});
}
