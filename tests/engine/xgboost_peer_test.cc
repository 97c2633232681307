// grove <-> XGBoost 1.7.4 (Debian's python3-xgboost, the SageMaker 1.7-1 container's version),
// in the same test run:
// - grove trains and exports; XGBoost loads the file (named `xgboost-model`, without extension,
//   and `model.json`) and predicts held-out rows with missing values. Margins and transformed
//   outputs must equal grove's bit for bit (float32).
// - XGBoost trains and saves JSON and UBJSON; grove loads both and must predict XGBoost's bits.
// Inputs and outputs cross between the processes as raw little-endian float32 files, so no
// decimal conversion can blur a last bit.
#include <catch2/catch.hpp>

#include <cstring>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "grove/train.h"
#include "grove/xgboost.h"
#include "model_test_util.h"
#include "test_util.h"
#include "train_test_util.h"

using namespace grove;

namespace {

void WriteFloats(const std::filesystem::path& path, const std::vector<float>& values) {
  test::WriteText(path, std::string_view(reinterpret_cast<const char*>(values.data()),
                                         values.size() * sizeof(float)));
}

std::vector<float> ReadFloats(const std::filesystem::path& path) {
  const std::string bytes = test::ReadText(path);
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

// Where the first difference is, for the failure message.
std::string FirstDifference(const std::vector<float>& ours, const std::vector<float>& theirs) {
  if (ours.size() != theirs.size()) {
    return fmt::format("sizes differ: grove {} vs XGBoost {}", ours.size(), theirs.size());
  }
  for (std::size_t i = 0; i < ours.size(); ++i) {
    if (std::memcmp(&ours[i], &theirs[i], sizeof(float)) != 0) {
      return fmt::format("value {}: grove {:.9g} vs XGBoost {:.9g}", i, ours[i], theirs[i]);
    }
  }
  return "identical";
}

#define CHECK_SAME_BITS(ours, theirs)                     \
  do {                                                    \
    const auto& a_ = (ours);                              \
    const auto& b_ = (theirs);                            \
    INFO(FirstDifference(a_, b_));                        \
    CHECK(test::BitIdentical(a_, b_));                    \
  } while (false)

// Friedman #1 with targets for each objective, 10% of the features missing.
struct Split {
  DataSet train;
  DataSet test;
};

Split MakeData(const std::string& task, std::size_t rows) {
  DataSet all = task == "multi" ? test::Blobs(rows, 31) : test::Friedman1(rows, 31);
  for (float& y : all.labels) {
    if (task == "binary") y = y > 14.0f ? 1.0f : 0.0f;
    if (task == "count") y = std::floor(std::max(0.0f, y) / 4.0f);
    if (task == "tweedie") y = std::max(0.0f, y - 14.0f);
  }
  test::InjectMissing(all, 0.1, 32);
  const DenseMatrix& x = all.Dense();
  const std::size_t n_train = rows * 4 / 5;
  Split out;
  DenseMatrix a(n_train, x.cols), b(rows - n_train, x.cols);
  std::copy(x.values.begin(), x.values.begin() + n_train * x.cols, a.values.begin());
  std::copy(x.values.begin() + n_train * x.cols, x.values.end(), b.values.begin());
  out.train.features = std::move(a);
  out.test.features = std::move(b);
  out.train.labels.assign(all.labels.begin(), all.labels.begin() + n_train);
  out.test.labels.assign(all.labels.begin() + n_train, all.labels.end());
  out.train.schema = out.test.schema = all.schema;
  return out;
}

// XGBoost loads `names` from `dir` and writes `<name>.margin` and `<name>.value` for x.f32.
void XGBoostPredicts(const test::TempDir& dir, const DenseMatrix& x,
                     const std::vector<std::string>& names) {
  WriteFloats(dir / "x.f32", x.values);
  std::string list;
  for (const std::string& name : names) list += fmt::format("\"{}\",", name);
  test::RunPython(fmt::format(R"(
import numpy as np, xgboost as xgb
x = np.fromfile("{0}/x.f32", dtype="<f4").reshape({1}, {2})
d = xgb.DMatrix(x, missing=np.nan)
for name in [{3}]:
    b = xgb.Booster(model_file="{0}/" + name)
    b.predict(d, output_margin=True).astype("<f4").tofile("{0}/" + name + ".margin")
    b.predict(d).astype("<f4").tofile("{0}/" + name + ".value")
)",
                              dir.path().string(), x.rows, x.cols, list));
}

std::vector<float> GrovePredict(const Model& model, const DenseMatrix& x, PredictType type) {
  PredictOptions options;
  options.type = type;
  return model.Predict(x, options);
}

// grove trains with `params`, exports, and XGBoost must predict grove's bits.
void ExportMatchesXGBoost(const std::map<std::string, std::string>& params,
                          const std::string& task) {
  const Split data = MakeData(task, 2500);
  const Model model = Train(ParseParams(params), data.train);
  test::TempDir dir;
  SaveXGBoostModel(model, dir / "xgboost-model");
  SaveXGBoostModel(model, dir / "model.json");
  XGBoostPredicts(dir, data.test.Dense(), {"xgboost-model", "model.json"});
  const DenseMatrix& x = data.test.Dense();
  for (const char* name : {"xgboost-model", "model.json"}) {
    INFO(name);
    const std::vector<float> value = GrovePredict(model, x, PredictType::kValue);
    if (model.params.IsForest()) {
      // Exported with an identity objective: XGBoost's margin and value are grove's output.
      CHECK_SAME_BITS(value, ReadFloats(dir / (std::string(name) + ".margin")));
    } else {
      CHECK_SAME_BITS(GrovePredict(model, x, PredictType::kMargin),
                      ReadFloats(dir / (std::string(name) + ".margin")));
    }
    CHECK_SAME_BITS(value, ReadFloats(dir / (std::string(name) + ".value")));
  }
}

}  // namespace

TEST_CASE("export binary:logistic: XGBoost predicts grove's bits", "[peer]") {
  ExportMatchesXGBoost({{"objective", "binary:logistic"}, {"num_round", "30"}, {"max_depth", "5"},
                        {"eta", "0.3"}, {"subsample", "0.8"}},
                       "binary");
}

TEST_CASE("export reg:squarederror: XGBoost predicts grove's bits", "[peer]") {
  ExportMatchesXGBoost({{"objective", "reg:squarederror"}, {"num_round", "30"},
                        {"grow_policy", "lossguide"}, {"max_leaves", "24"}, {"max_depth", "0"}},
                       "regression");
}

TEST_CASE("export count:poisson: XGBoost predicts grove's bits", "[peer]") {
  ExportMatchesXGBoost({{"objective", "count:poisson"}, {"num_round", "30"}}, "count");
}

TEST_CASE("export reg:tweedie: XGBoost predicts grove's bits", "[peer]") {
  ExportMatchesXGBoost(
      {{"objective", "reg:tweedie"}, {"num_round", "30"}, {"tweedie_variance_power", "1.3"}},
      "tweedie");
}

TEST_CASE("export multi:softprob: XGBoost predicts grove's bits", "[peer]") {
  ExportMatchesXGBoost({{"objective", "multi:softprob"}, {"num_class", "3"}, {"num_round", "15"},
                        {"max_depth", "4"}, {"num_parallel_tree", "2"}, {"subsample", "0.7"}},
                       "multi");
}

// Tree counts that are not powers of two: the mean is a sum of leaves pre-divided by n
// (engine/src/forest_average.h), in grove and in the exported file alike.
TEST_CASE("export a binary random forest: XGBoost predicts grove's probabilities",
          "[peer][forest]") {
  ExportMatchesXGBoost({{"algorithm", "random_forest"}, {"objective", "binary:logistic"},
                        {"n_estimators", "25"}, {"max_depth", "8"}, {"random_state", "3"}},
                       "binary");
}

TEST_CASE("export a regression random forest: XGBoost predicts grove's means",
          "[peer][forest]") {
  ExportMatchesXGBoost({{"algorithm", "random_forest"}, {"objective", "reg:squarederror"},
                        {"n_estimators", "200"}, {"max_depth", "6"}, {"random_state", "4"}},
                       "regression");
}

TEST_CASE("import: XGBoost's JSON and UBJSON models predict XGBoost's bits in grove", "[peer]") {
  struct Case {
    const char* name;
    const char* task;
    const char* params;
  };
  const Case cases[] = {
      {"logistic", "binary", R"({"objective": "binary:logistic", "max_depth": 4, "gamma": 2})"},
      {"logitraw", "binary", R"({"objective": "binary:logitraw", "base_score": 0.3})"},
      {"squared", "regression", R"({"objective": "reg:squarederror", "base_score": -2.5})"},
      {"poisson", "count", R"({"objective": "count:poisson"})"},
      {"tweedie", "tweedie", R"({"objective": "reg:tweedie", "tweedie_variance_power": 1.6})"},
      {"gamma", "regression", R"({"objective": "reg:gamma", "base_score": 14.0})"},
      {"softprob", "multi", R"({"objective": "multi:softprob", "num_class": 3})"},
      {"softmax", "multi", R"({"objective": "multi:softmax", "num_class": 3})"},
      {"rf", "binary",
       R"({"objective": "binary:logistic", "num_parallel_tree": 4, "subsample": 0.6,
           "colsample_bynode": 0.7, "eta": 1.0})"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Split data = MakeData(c.task, 1500);
    if (std::string(c.name) == "gamma") {
      for (float& y : data.train.labels) y = std::max(0.5f, y);
    }
    test::TempDir dir;
    WriteFloats(dir / "train.f32", data.train.Dense().values);
    WriteFloats(dir / "y.f32", data.train.labels);
    WriteFloats(dir / "x.f32", data.test.Dense().values);
    const DenseMatrix& x = data.test.Dense();
    test::RunPython(fmt::format(R"(
import numpy as np, xgboost as xgb
cols = {2}
train = xgb.DMatrix(np.fromfile("{0}/train.f32", dtype="<f4").reshape(-1, cols),
                    label=np.fromfile("{0}/y.f32", dtype="<f4"), missing=np.nan)
params = {1}
params.update({{"tree_method": "hist", "nthread": 2, "seed": 1}})
b = xgb.train(params, train, num_boost_round=12)
b.save_model("{0}/model.json")
b.save_model("{0}/model.ubj")
d = xgb.DMatrix(np.fromfile("{0}/x.f32", dtype="<f4").reshape(-1, cols), missing=np.nan)
b.predict(d, output_margin=True).astype("<f4").tofile("{0}/margin.f32")
b.predict(d).astype("<f4").tofile("{0}/value.f32")
)",
                                dir.path().string(), c.params, x.cols));
    const std::vector<float> margin = ReadFloats(dir / "margin.f32");
    const std::vector<float> value = ReadFloats(dir / "value.f32");
    for (const char* file : {"model.json", "model.ubj"}) {
      INFO(file);
      const Model model = LoadXGBoostModel(dir / file);
      CHECK_SAME_BITS(GrovePredict(model, x, PredictType::kMargin), margin);
      CHECK_SAME_BITS(GrovePredict(model, x, PredictType::kValue), value);
      CHECK(test::BitIdentical(LoadAnyModel(dir / file).Predict(x), value));
    }
  }
}
