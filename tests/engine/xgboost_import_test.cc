// XGBoost import without XGBoost: hand-edited documents for every refusal and malformed file,
// content sniffing (JSON text, UBJSON, legacy binary, pickle, gzip) and LoadAnyModel.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "grove/errors.h"
#include "grove/xgboost.h"
#include "model_test_util.h"
#include "test_util.h"

using namespace grove;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

// A small valid XGBoost document (grove's export of the depth-2 unit tree).
Json Document() {
  Model model = test::MakeModel({test::DepthTwoTree(), test::LeafTree(0.5f)}, 2, 0.25f);
  return Json::parse(ToXGBoostJson(model));
}

Json& FirstTree(Json& doc) { return doc["learner"]["gradient_booster"]["model"]["trees"][0]; }

Model Import(const Json& doc) { return XGBoostModelFromBytes(doc.dump(), "model.json"); }

}  // namespace

TEST_CASE("import: a hand-edited valid document loads", "[unit]") {
  Json doc = Document();
  doc["learner"]["learner_model_param"]["base_score"] = "[2.5E-1]";  // XGBoost >= 3.1 style
  doc["learner"]["feature_names"] = {"age", "income"};
  doc["learner"]["attributes"] = {{"best_iteration", "0"}, {"best_ntree_limit", "1"}};
  const Model model = Import(doc);
  CHECK(model.base_margin == std::vector<float>{0.25f});
  CHECK(model.schema.FeatureNames() == std::vector<std::string>{"age", "income"});
  CHECK(model.best_iteration == 0);
  DenseMatrix x(1, 2);
  x.At(0, 0) = 0.0f;
  x.At(0, 1) = 0.0f;
  CHECK(model.Predict(x) == std::vector<float>{1.25f});  // best_iteration 0: first tree only
  PredictOptions all;
  all.use_best_iteration = false;
  CHECK(model.Predict(x, all) == std::vector<float>{1.75f});
}

TEST_CASE("import refuses unsupported models, saying why", "[unit]") {
  SECTION("dart") {
    Json doc = Document();
    doc["learner"]["gradient_booster"] = {{"name", "dart"},
                                          {"gbtree", doc["learner"]["gradient_booster"]},
                                          {"weight_drop", {1.0, 1.0}}};
    CHECK_THROWS_WITH(Import(doc), Contains("model.json") && Contains("dart"));
  }
  SECTION("gblinear") {
    Json doc = Document();
    doc["learner"]["gradient_booster"] = {{"name", "gblinear"}, {"model", Json::object()}};
    CHECK_THROWS_WITH(Import(doc), Contains("gblinear"));
  }
  SECTION("categorical split") {
    Json doc = Document();
    FirstTree(doc)["split_type"][0] = 1;
    CHECK_THROWS_WITH(Import(doc), Contains("categorical split") && Contains("node 0"));
  }
  SECTION("categorical feature types") {
    Json doc = Document();
    doc["learner"]["feature_types"] = {"q", "c"};
    CHECK_THROWS_WITH(Import(doc), Contains("categorical features"));
  }
  SECTION("vector leaves") {
    Json doc = Document();
    FirstTree(doc)["tree_param"]["size_leaf_vector"] = "2";
    CHECK_THROWS_WITH(Import(doc), Contains("vector leaves"));
  }
  SECTION("multi-target") {
    Json doc = Document();
    doc["learner"]["learner_model_param"]["num_target"] = "3";
    CHECK_THROWS_WITH(Import(doc), Contains("multi-output"));
  }
  SECTION("ranking objective") {
    Json doc = Document();
    doc["learner"]["objective"] = {{"name", "rank:pairwise"}};
    CHECK_THROWS_WITH(Import(doc), Contains("objective rank:pairwise"));
  }
  SECTION("right child not next to the left child") {
    Json doc = Document();
    Json& tree = FirstTree(doc);
    tree["left_children"][0] = 2;
    tree["right_children"][0] = 1;
    CHECK_THROWS_WITH(Import(doc), Contains("node 0") && Contains("left child 2 + 1"));
  }
  SECTION("trees that are not whole rounds") {
    Json doc = Document();
    doc["learner"]["gradient_booster"]["model"]["gbtree_model_param"]["num_parallel_tree"] = "3";
    CHECK_THROWS_WITH(Import(doc), Contains("not whole rounds"));
  }
}

TEST_CASE("import: malformed documents name the place", "[unit]") {
  SECTION("a parameter value that is not a string") {
    Json doc = Document();
    doc["learner"]["learner_model_param"]["num_feature"] = 2;
    CHECK_THROWS_WITH(Import(doc), Contains("learner.learner_model_param.num_feature") &&
                                       Contains("expected a string"));
  }
  SECTION("an array of the wrong length") {
    Json doc = Document();
    FirstTree(doc)["split_conditions"].erase(0);
    CHECK_THROWS_WITH(Import(doc), Contains("tree 0.split_conditions") &&
                                       Contains("expected 5"));
  }
  SECTION("a split on a feature the model does not have") {
    Json doc = Document();
    FirstTree(doc)["split_indices"][0] = 7;
    CHECK_THROWS_WITH(Import(doc), Contains("split feature 7") && Contains("num_feature"));
  }
  SECTION("a base_score that is not a number") {
    Json doc = Document();
    doc["learner"]["learner_model_param"]["base_score"] = "+0.5";
    CHECK_THROWS_WITH(Import(doc), Contains("base_score") && Contains("\"+0.5\""));
  }
  SECTION("a logistic base_score outside (0, 1)") {
    Json doc = Document();
    doc["learner"]["objective"] = {{"name", "binary:logistic"},
                                   {"reg_loss_param", {{"scale_pos_weight", "1"}}}};
    doc["learner"]["learner_model_param"]["base_score"] = "1.5E0";
    CHECK_THROWS_WITH(Import(doc), Contains("base_score 1.5"));
  }
  SECTION("duplicate tree ids") {
    Json doc = Document();
    doc["learner"]["gradient_booster"]["model"]["trees"][1]["id"] = 0;
    CHECK_THROWS_WITH(Import(doc), Contains("tree 1") && Contains("unique index"));
  }
  SECTION("not an XGBoost document") {
    CHECK_THROWS_WITH(XGBoostModelFromBytes("{\"format\":\"grove-model\"}", "m.json"),
                      Contains("not an XGBoost model"));
  }
}

TEST_CASE("import: the encoding is read from the content", "[unit]") {
  CHECK_THROWS_WITH(XGBoostModelFromBytes("", "empty"), Contains("empty"));
  CHECK_THROWS_WITH(XGBoostModelFromBytes(std::string("binf\0\0\0?", 8), "xgboost-model"),
                    Contains("legacy binary") && Contains("save_model"));
  CHECK_THROWS_WITH(XGBoostModelFromBytes("\x80\x04\x95", "xgboost-model"), Contains("pickle"));
  CHECK_THROWS_WITH(XGBoostModelFromBytes("\x1f\x8b\x08\x00", "model.gz"), Contains("gzip"));
  const std::string text = Document().dump();
  CHECK_THROWS_WITH(XGBoostModelFromBytes(text.substr(0, text.size() / 2), "cut.json"),
                    Contains("cut.json") && Contains("truncated"));
  const std::vector<std::uint8_t> ubj = Json::to_ubjson(Document());
  const std::string bytes(ubj.begin(), ubj.end());
  CHECK_THROWS_WITH(XGBoostModelFromBytes(bytes.substr(0, bytes.size() - 9), "cut.ubj"),
                    Contains("cut.ubj") && Contains("UBJSON"));
  // Whitespace and a UTF-8 byte order mark are tolerated (XGBoost itself rejects them).
  CHECK(XGBoostModelFromBytes("\xEF\xBB\xBF \n" + text, "bom.json").trees.size() == 2);
}

TEST_CASE("LoadAnyModel reads native, XGBoost JSON and UBJSON files by content", "[unit]") {
  test::TempDir dir;
  Model model = test::MakeModel({test::DepthTwoTree(), test::LeafTree(0.5f)}, 2, 0.25f);
  model.Save(dir / "native");
  SaveXGBoostModel(model, dir / "xgboost-model");
  const std::vector<std::uint8_t> ubj = Json::to_ubjson(Json::parse(ToXGBoostJson(model)));
  test::WriteText(dir / "model.json", std::string(ubj.begin(), ubj.end()));  // misleading name
  DenseMatrix x(2, 2);
  x.At(0, 0) = 1.0f;
  const std::vector<float> expected = model.Predict(x);
  for (const char* name : {"native", "xgboost-model", "model.json"}) {
    INFO(name);
    CHECK(test::BitIdentical(LoadAnyModel(dir / name).Predict(x), expected));
  }
  CHECK(LoadXGBoostModel(dir / "xgboost-model").num_features == 2);
  CHECK_THROWS_WITH(LoadXGBoostModel(dir / "native"), Contains("not an XGBoost model"));
  CHECK_THROWS_AS(LoadAnyModel(dir / "missing"), IoError);
  CHECK_THROWS_WITH(LoadAnyModel(dir.path()), Contains("directory"));
  test::WriteText(dir / "other.json", "{\"a\": 1}");
  CHECK_THROWS_WITH(LoadAnyModel(dir / "other.json"), Contains("grove-model") &&
                                                         Contains("learner"));
}
