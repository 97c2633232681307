// grove against XGBoost 1.7.4 (Debian's python3-xgboost, the SageMaker 1.7-1 container's
// version), in the same test run, on the same files, with the same hyperparameters: grove's
// held-out metric must be at least as good as XGBoost's within a small stated tolerance.
//
// Tolerances: both learners quantize to 256 bins but pick cut points and break gain ties
// differently, sample rows/columns with different generators, and XGBoost 1.7 starts from
// base_score 0.5 where grove estimates it (XGBoost >= 2 behaviour); on a few thousand held-out
// rows those differences move AUC by a few thousandths and RMSE/logloss by a few percent.
#include <catch2/catch.hpp>

#include <sstream>

#include <fmt/format.h>

#include "grove/demo.h"
#include "grove/io.h"
#include "grove/metrics.h"
#include "grove/train.h"
#include "test_util.h"
#include "train_test_util.h"

using namespace grove;

namespace {

// Trains XGBoost on train.csv (label first, empty cells missing), returns `metric` on test.csv.
double XgboostMetric(const test::TempDir& dir, const std::string& params_python,
                     int num_round, const std::string& metric) {
  const std::string script = fmt::format(R"(
import numpy as np, xgboost as xgb
def load(path):
    a = np.genfromtxt(path, delimiter=",", dtype=np.float32, missing_values="", filling_values=np.nan)
    return xgb.DMatrix(a[:, 1:], label=a[:, 0], missing=np.nan)
dtrain, dtest = load("{0}/train.csv"), load("{0}/test.csv")
params = {1}
params.update({{"tree_method": "hist", "max_bin": 256, "eval_metric": "{3}", "nthread": 2}})
bst = xgb.train(params, dtrain, num_boost_round={2})
print(bst.eval(dtest).split(":")[-1])
)",
                                         dir.path().string(), params_python, num_round, metric);
  return std::stod(test::RunPython(script));
}

double GroveMetric(const TrainParams& params, const DataSet& train, const DataSet& test,
                   const std::string& metric) {
  const Model model = Train(params, train);
  const std::vector<float> p = model.Predict(test.Dense());
  MetricInput input;
  input.predictions = p;
  input.labels = test.labels;
  input.num_outputs = static_cast<std::size_t>(model.num_outputs);
  return CreateMetric(metric)->Evaluate(input);
}

void WriteBoth(const test::TempDir& dir, const DataSet& train, const DataSet& test) {
  io::WriteCsv(train, dir / "train.csv");
  io::WriteCsv(test, dir / "test.csv");
}

std::pair<DataSet, DataSet> Split(const DataSet& all, std::size_t train_rows) {
  const DenseMatrix& x = all.Dense();
  DataSet a, b;
  a.features = DenseMatrix(train_rows, x.cols);
  b.features = DenseMatrix(x.rows - train_rows, x.cols);
  for (std::size_t r = 0; r < x.rows; ++r) {
    DataSet& d = r < train_rows ? a : b;
    const std::size_t i = r < train_rows ? r : r - train_rows;
    for (std::size_t c = 0; c < x.cols; ++c) std::get<DenseMatrix>(d.features).At(i, c) = x.At(r, c);
    d.labels.push_back(all.labels[r]);
  }
  a.schema = b.schema = all.schema;
  return {a, b};
}

}  // namespace

TEST_CASE("demo data, the guide's hyperparameters: AUC at least XGBoost's", "[peer]") {
  const DemoData demo = MakeDemoData();
  test::TempDir dir;
  WriteBoth(dir, demo.train, demo.test);
  const double xgb_auc = XgboostMetric(
      dir,
      R"({"objective": "binary:logistic", "max_depth": 5, "eta": 0.2, "gamma": 4,
          "min_child_weight": 6, "subsample": 0.8, "seed": 0})",
      100, "auc");
  const TrainParams params = ParseParams(
      {{"objective", "binary:logistic"}, {"num_round", "100"}, {"max_depth", "5"},
       {"eta", "0.2"}, {"gamma", "4"}, {"min_child_weight", "6"}, {"subsample", "0.8"}});
  const double grove_auc = GroveMetric(params, demo.train, demo.test, "auc");
  INFO("grove " << grove_auc << " xgboost " << xgb_auc);
  CHECK(grove_auc >= xgb_auc - 0.005);
}

TEST_CASE("Friedman #1 regression: RMSE at most XGBoost's", "[peer]") {
  const auto [train, test] = Split(test::Friedman1(10000, 21), 8000);
  test::TempDir dir;
  WriteBoth(dir, train, test);
  const double xgb = XgboostMetric(
      dir, R"({"objective": "reg:squarederror", "max_depth": 6, "eta": 0.1})", 200, "rmse");
  const TrainParams params = ParseParams({{"objective", "reg:squarederror"},
                                          {"num_round", "200"}, {"max_depth", "6"},
                                          {"eta", "0.1"}});
  const double ours = GroveMetric(params, train, test, "rmse");
  INFO("grove " << ours << " xgboost " << xgb);
  CHECK(ours <= xgb * 1.03);
}

TEST_CASE("three-class blobs: mlogloss and merror at most XGBoost's", "[peer]") {
  const auto [train, test] = Split(test::Blobs(9000, 22), 7200);
  test::TempDir dir;
  WriteBoth(dir, train, test);
  const std::string xgb_params =
      R"({"objective": "multi:softprob", "num_class": 3, "max_depth": 4, "eta": 0.1,
          "subsample": 0.9, "colsample_bytree": 0.75})";
  const double xgb_logloss = XgboostMetric(dir, xgb_params, 100, "mlogloss");
  const double xgb_error = XgboostMetric(dir, xgb_params, 100, "merror");
  const TrainParams params = ParseParams(
      {{"objective", "multi:softprob"}, {"num_class", "3"}, {"num_round", "100"},
       {"max_depth", "4"}, {"eta", "0.1"}, {"subsample", "0.9"}, {"colsample_bytree", "0.75"}});
  const double logloss = GroveMetric(params, train, test, "mlogloss");
  const double error = GroveMetric(params, train, test, "merror");
  INFO("grove " << logloss << "/" << error << " xgboost " << xgb_logloss << "/" << xgb_error);
  CHECK(logloss <= xgb_logloss * 1.03);
  CHECK(error <= xgb_error + 0.01);
}

TEST_CASE("missing values (25% of cells): AUC at least XGBoost's", "[peer]") {
  DemoData demo = MakeDemoData(10000, 23);
  test::InjectMissing(demo.train, 0.25, 1);
  test::InjectMissing(demo.test, 0.25, 2);
  test::TempDir dir;
  WriteBoth(dir, demo.train, demo.test);
  const double xgb_auc = XgboostMetric(
      dir, R"({"objective": "binary:logistic", "max_depth": 6, "eta": 0.1})", 150, "auc");
  const TrainParams params = ParseParams({{"objective", "binary:logistic"},
                                          {"num_round", "150"}, {"max_depth", "6"},
                                          {"eta", "0.1"}});
  const double grove_auc = GroveMetric(params, demo.train, demo.test, "auc");
  INFO("grove " << grove_auc << " xgboost " << xgb_auc);
  CHECK(grove_auc >= xgb_auc - 0.005);
}
