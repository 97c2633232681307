// The native model format: round trips (bit-exact floats), atomic Save, and Load's errors.
#include <bit>
#include <catch2/catch.hpp>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "grove/model.h"
#include "tests/engine/model_test_util.h"
#include "tests/test_util.h"

using namespace grove;
using grove::test::BitIdentical;
using Json = nlohmann::ordered_json;

namespace {

// A model with every field set: 3 classes, 4 rounds, a schema with a one-hot column.
Model FullModel() {
  std::mt19937 rng(3);
  Model model;
  model.params.objective = "multi:softprob";
  model.params.num_class = 3;
  model.params.eta = 0.1;
  model.schema.columns = {ColumnSpec{"age", ColumnKind::kNumeric, {}, 0},
                          ColumnSpec{"color", ColumnKind::kCategorical, {"blue", "red"}, 1},
                          ColumnSpec{"height", ColumnKind::kNumeric, {}, 3}};
  model.schema.has_header = true;
  model.schema.label_name = "y";
  model.num_features = 4;
  model.num_outputs = 3;
  model.trees_per_round = 3;
  model.best_iteration = 2;
  model.best_score = 0.123456789012345678;
  model.base_margin = {0.1f, -0.0f, 1.0f / 3.0f};
  for (int t = 0; t < 12; ++t) {
    model.trees.push_back(test::RandomTree(rng, 1 + t % 4, 4));
    model.tree_group.push_back(t % 3);
  }
  return model;
}

std::vector<std::uint32_t> Bits(const std::vector<float>& values) {
  std::vector<std::uint32_t> bits;
  for (const float v : values) bits.push_back(std::bit_cast<std::uint32_t>(v));
  return bits;
}

void CheckSameModel(const Model& a, const Model& b) {
  CHECK(a.params == b.params);
  CHECK(a.schema == b.schema);
  CHECK(a.num_features == b.num_features);
  CHECK(a.num_outputs == b.num_outputs);
  CHECK(a.trees_per_round == b.trees_per_round);
  CHECK(a.best_iteration == b.best_iteration);
  CHECK(std::bit_cast<std::uint64_t>(a.best_score) == std::bit_cast<std::uint64_t>(b.best_score));
  CHECK(Bits(a.base_margin) == Bits(b.base_margin));
  CHECK(a.tree_group == b.tree_group);
  REQUIRE(a.trees.size() == b.trees.size());
  for (std::size_t t = 0; t < a.trees.size(); ++t) CHECK(a.trees[t] == b.trees[t]);
}

std::string DepthTwoTreeModelJson() {
  return test::MakeModel({test::DepthTwoTree()}, 2, 0.5f).ToJson();
}

// The model's JSON with `edit` applied, then loaded: the InvalidInput message.
template <typename Edit>
std::string LoadError(Edit edit) {
  Json doc = Json::parse(DepthTwoTreeModelJson());
  edit(doc);
  try {
    Model::FromJson(doc.dump());
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "(loaded without error)";
}

}  // namespace

TEST_CASE("ToJson -> FromJson restores every field and predicts bit-identically", "[unit]") {
  const Model model = FullModel();
  const Model back = Model::FromJson(model.ToJson());
  CheckSameModel(model, back);
  std::mt19937 rng(5);
  const DenseMatrix x = test::RandomMatrix(rng, 500, 4, 0.2);
  for (const PredictType type : {PredictType::kMargin, PredictType::kLeaf}) {
    PredictOptions options;
    options.type = type;
    CHECK(BitIdentical(model.Predict(x, options), back.Predict(x, options)));
  }
  CHECK(back.ToJson() == model.ToJson());
  const Json doc = Json::parse(model.ToJson());
  CHECK(doc["format"] == "grove-model");
  CHECK(doc["version"] == 1);
  CHECK(doc["objective"] == "multi:softprob");
  CHECK(doc["base_margin"][0].dump() == "0.1");  // shortest decimal that reads back as 0.1f
}

TEST_CASE("Floats round-trip bit-exactly, including extremes and non-finite values", "[unit]") {
  Model model;
  model.base_margin = {0.1f,
                       -0.0f,
                       0.0f,
                       std::numeric_limits<float>::denorm_min(),
                       -std::numeric_limits<float>::denorm_min(),
                       std::numeric_limits<float>::min(),
                       std::numeric_limits<float>::max(),
                       std::numeric_limits<float>::lowest(),
                       std::numeric_limits<float>::infinity(),
                       -std::numeric_limits<float>::infinity(),
                       16777217.0f,
                       1.0f / 3.0f};
  std::mt19937 rng(1);
  while (model.base_margin.size() < 200'000) {
    const float f = std::bit_cast<float>(static_cast<std::uint32_t>(rng()));
    if (!std::isnan(f)) model.base_margin.push_back(f);
  }
  model.num_outputs = static_cast<std::int32_t>(model.base_margin.size());
  model.best_score = std::numeric_limits<double>::infinity();
  const Model back = Model::FromJson(model.ToJson());
  CHECK(Bits(back.base_margin) == Bits(model.base_margin));
  CHECK(back.best_score == std::numeric_limits<double>::infinity());

  model.base_margin = {std::numeric_limits<float>::quiet_NaN()};
  model.num_outputs = 1;
  CHECK(std::isnan(Model::FromJson(model.ToJson()).base_margin[0]));
}

TEST_CASE("Save writes atomically and Load reads it back", "[unit]") {
  const test::TempDir dir;
  const Model model = FullModel();
  const auto path = dir / "model.json";
  test::WriteText(path, "old contents");
  model.Save(path);
  CheckSameModel(model, Model::Load(path));
  // Only the model is left: the temporary file was renamed over it.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK(entry.path().filename() == "model.json");
    ++files;
  }
  CHECK(files == 1);

  CHECK_THROWS_AS(model.Save(dir / "missing" / "model.json"), IoError);
  CHECK_THROWS_AS(model.Save(dir.path()), IoError);  // a directory: rename fails
  files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++files;
  CHECK(files == 1);  // the failed save removed its temporary file

  CHECK_THROWS_AS(Model::Load(dir / "absent.json"), IoError);
  CHECK_THROWS_WITH(Model::Load(dir / "absent.json"), Catch::Contains("absent.json: cannot open"));
  CHECK_THROWS_AS(Model::Load(dir.path()), IoError);
}

TEST_CASE("Load rejects every truncation of a model file as InvalidInput", "[unit]") {
  const std::string text = DepthTwoTreeModelJson();
  const auto check_message = [&](std::size_t length, const std::string& message,
                                 const std::string& source) {
    INFO(length << " bytes: " << message);
    CHECK(message.rfind(source + ": not a grove model: ", 0) == 0);
    CHECK_THAT(message, Catch::Contains(length == 0 ? "the file is empty" : "(truncated file?)"));
  };
  // Every prefix in memory, a few through files.
  for (std::size_t length = 0; length < text.size(); ++length) {
    try {
      Model::FromJson(std::string_view(text).substr(0, length));
      FAIL("a truncated model of " << length << " bytes loaded");
    } catch (const InvalidInput& e) {
      check_message(length, e.what(), "model JSON");
    }
  }
  const test::TempDir dir;
  const auto path = dir / "model.json";
  for (const std::size_t length :
       {std::size_t{0}, std::size_t{1}, std::size_t{100}, text.size() / 2, text.size() - 1}) {
    test::WriteText(path, std::string_view(text).substr(0, length));
    try {
      Model::Load(path);
      FAIL("a truncated model file of " << length << " bytes loaded");
    } catch (const InvalidInput& e) {
      check_message(length, e.what(), path.string());
    }
  }
  test::WriteText(path, "hello");
  CHECK_THROWS_WITH(Model::Load(path), Catch::Contains("not a grove model") &&
                                           Catch::Contains("(corrupted file, or not JSON?)"));
}

TEST_CASE("Load names the inconsistency of a corrupted model", "[unit]") {
  using Catch::Contains;
  CHECK_THAT(LoadError([](Json& d) { d["version"] = 2; }),
             Contains("grove model format version 2 is not supported; this grove reads version 1"));
  CHECK_THAT(LoadError([](Json& d) { d["format"] = "xgboost"; }),
             Contains("not a grove model: \"format\" is \"xgboost\", expected \"grove-model\""));
  CHECK_THAT(LoadError([](Json& d) {
               d = Json{{"learner", 1}};
             }),
             Contains("looks like an XGBoost model"));
  CHECK(LoadError([](Json& d) { d["trees"][0]["left"][0] = 99; }) ==
        "model JSON: tree 0, node 0: left child 99 is outside [1, 5)");
  CHECK(LoadError([](Json& d) { d["trees"][0]["right"][1] = -1; }) ==
        "model JSON: tree 0, node 1: left child is 3 but right child is -1 (a leaf has both -1, "
        "a split node neither)");
  CHECK(LoadError([](Json& d) { d["trees"][0]["threshold"].erase(4); }) ==
        "model JSON: tree 0: \"threshold\" has 4 entries, expected 5 (\"left\" has 5)");
  // Node 2 (a leaf) becomes a split whose children are node 1's: their parent is node 1.
  CHECK_THAT(LoadError([](Json& d) {
               d["trees"][0]["left"][2] = 3;
               d["trees"][0]["right"][2] = 4;
             }),
             Contains("tree 0, node 3: parent is 1, expected 2"));
  // Node 3 points back at the root's child 1: a cycle, caught the same way.
  CHECK_THAT(LoadError([](Json& d) {
               d["trees"][0]["left"][3] = 1;
               d["trees"][0]["right"][3] = 2;
             }),
             Contains("tree 0, node 3: child 1 is reached twice from the root (a cycle or a "
                      "shared child)"));
  CHECK_THAT(LoadError([](Json& d) { d["trees"][0]["parent"][3] = 0; }),
             Contains("tree 0, node 3: parent is 0, expected 1"));
  CHECK_THAT(LoadError([](Json& d) { d["trees"][0]["split_feature"][0] = 2; }),
             Contains("split feature 2 is outside [0, 2)"));
  CHECK_THAT(LoadError([](Json& d) {
               d["tree_group"] = {0, 0};
             }),
             Contains("tree_group has 2 entries, expected 1"));
  CHECK_THAT(LoadError([](Json& d) { d["base_margin"] = Json::array(); }),
             Contains("base_margin has 0 entries, expected 1"));
  CHECK_THAT(LoadError([](Json& d) { d["trees"][0]["left"][1] = "3"; }),
             Contains("tree 0: \"left\"[1]: expected an integer in [-2147483648, 2147483647], "
                      "found string \"3\""));
  CHECK_THAT(LoadError([](Json& d) { d["trees"][0]["value"][1] = 1e300; }),
             Contains("\"value\"[1]: number 1e+300 is beyond the float range"));
  CHECK_THAT(LoadError([](Json& d) { d["trees"][0].erase("parent"); }),
             Contains("tree 0: missing \"parent\""));
  CHECK_THAT(LoadError([](Json& d) { d["extra"] = 1; }), Contains("unknown key \"extra\""));
  CHECK_THAT(LoadError([](Json& d) { d["best_iteration"] = 1; }),
             Contains("best_iteration is 1, expected -1 or a round in [0, 1)"));
  CHECK_THAT(LoadError([](Json& d) { d["objective"] = "binary:logistic"; }),
             Contains("\"objective\" is \"binary:logistic\", but params.objective is"));
  CHECK_THAT(LoadError([](Json& d) { d["params"]["eta"] = "fast"; }), Contains("params: "));
  CHECK_THAT(LoadError([](Json& d) { d["schema"] = 3; }), Contains("schema: "));
}

TEST_CASE("Randomly corrupted model files load cleanly or fail with InvalidInput", "[unit]") {
  const std::string text = FullModel().ToJson();
  std::mt19937 rng(17);
  const std::string alphabet = "0123456789-.,:[]{}\"e ";
  std::size_t loaded = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string corrupt = text;
    for (int k = 0; k < 1 + trial % 3; ++k) {
      corrupt[rng() % corrupt.size()] = alphabet[rng() % alphabet.size()];
    }
    try {
      const Model model = Model::FromJson(corrupt);
      ++loaded;  // a harmless edit (e.g. a digit of a threshold): it must still predict
      const DenseMatrix x(3, static_cast<std::size_t>(model.num_features), 0.5f);
      PredictOptions margins;
      margins.type = PredictType::kMargin;
      margins.nthread = 1;
      CHECK(model.Predict(x, margins).size() == 3 * static_cast<std::size_t>(model.num_outputs));
    } catch (const InvalidInput&) {
    }
  }
  // Most single-character edits break the syntax or a check; a few (a digit) are harmless.
  INFO(loaded << " of 3000 corrupted files still loaded");
  CHECK(loaded > 0);
  CHECK(loaded < 1500);
}
