// [cuda] evaluation while training on the GPU (engine/src/cuda_eval.h): every evaluation set's
// cache and metrics live on the device, and each round's values must be the CPU trainer's.
// Squared error trains the CPU's trees bit for bit, so its metrics are compared exactly where
// their row terms use + - * / and sqrt only (correctly rounded on both), and within 1e-12 where
// they call log (rmsle: CUDA's double log may differ in the last bit). Objectives that call
// expf train trees within 1e-4 of the CPU's (cuda_train_test.cc), so their metrics are
// compared within 1e-4. In cuda_emulated_tests every comparison is exact.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "tests/engine/model_test_util.h"
#include "tests/kernels/cuda_train_util.h"

using namespace grove;
using test::CheckSameRounds;
using test::CheckSameTrees;
using test::Run;
using test::TrainOn;

namespace {

using Params = std::map<std::string, std::string>;

double Bound(double gpu_bound) {
  return test::kCudaEmulated ? 0.0 : gpu_bound;
}

// Friedman #1 with labels moved above 1 (rmsle, mape and the log-link metrics need y > 0).
DataSet PositiveFriedman(std::size_t rows, std::uint64_t seed) {
  DataSet data = test::Friedman1(rows, seed);
  for (float& y : data.labels) y = std::fabs(y) + 1.0f;
  return data;
}

DataSet Binary(std::size_t rows, std::uint64_t seed) {
  DataSet data = test::Friedman1(rows, seed);
  for (float& y : data.labels) y = y > 14.0f ? 1.0f : 0.0f;
  return data;
}

void AddWeights(DataSet& data, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0.2f, 3.0f);
  data.weights.clear();
  for (std::size_t i = 0; i < data.NumRows(); ++i) data.weights.push_back(u(rng));
}

DataSet AsCsr(const DataSet& dense) {
  DataSet csr = dense;
  csr.features = test::ToCsr(dense.Dense());
  return csr;
}

// The values of one set's metric over the rounds.
std::vector<double> Values(const Run& run, const std::string& set, const std::string& metric) {
  std::vector<double> values;
  for (const RoundInfo& round : run.rounds) {
    for (const EvalResult& r : round.results) {
      if (r.set == set && r.metric == metric) values.push_back(r.value);
    }
  }
  return values;
}

// Checks that `metrics` agree between the runs within `bound` (relative), 0 = exactly.
void CheckMetrics(const Run& cpu, const Run& gpu, const std::vector<std::string>& sets,
                  const std::vector<std::string>& metrics, double bound) {
  for (const std::string& set : sets) {
    for (const std::string& metric : metrics) {
      const std::vector<double> a = Values(cpu, set, metric);
      const std::vector<double> b = Values(gpu, set, metric);
      INFO(set << "-" << metric);
      REQUIRE(!a.empty());
      REQUIRE(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        INFO("round " << i << ": CPU " << a[i] << ", GPU " << b[i]);
        REQUIRE(std::isfinite(a[i]));
        if (bound == 0.0) {
          CHECK(a[i] == b[i]);
        } else {
          CHECK(std::fabs(a[i] - b[i]) <= bound * std::max(std::fabs(a[i]), 1.0));
        }
      }
    }
  }
}

}  // namespace

TEST_CASE("GPU evaluation: regression metrics of dense, CSR and weighted sets are the CPU's",
          "[cuda]") {
  const DataSet train = PositiveFriedman(4000, 41);
  DataSet valid = PositiveFriedman(1500, 42);
  test::InjectMissing(valid, 0.1, 43);
  const DataSet valid_csr = AsCsr(valid);
  DataSet weighted = PositiveFriedman(20'000, 44);  // two metric blocks of 16384 rows
  AddWeights(weighted, 45);
  const std::vector<EvalSet> evals = {
      {"train", &train}, {"valid", &valid}, {"csr", &valid_csr}, {"weighted", &weighted}};
  const Params params = {{"objective", "reg:squarederror"},
                         {"num_round", "8"},
                         {"max_depth", "5"},
                         {"seed", "3"},
                         {"eval_metric", "rmse,mae,mse,mphe,mape,r2,rmsle"}};
  const Run cpu = TrainOn("cpu", params, train, evals);
  const Run gpu = TrainOn("cuda", params, train, evals);
  CheckSameTrees(cpu.model, gpu.model, 0.0);
  const std::vector<std::string> sets = {"train", "valid", "csr", "weighted"};
  CheckMetrics(cpu, gpu, sets, {"rmse", "mae", "mse", "mphe", "mape", "r2"}, 0.0);
  CheckMetrics(cpu, gpu, sets, {"rmsle"}, Bound(1e-12));
  // The CSR copy of the validation set predicts the dense one's bits on the device too.
  for (const char* metric : {"rmse", "mae", "r2", "rmsle"}) {
    CHECK(Values(gpu, "csr", metric) == Values(gpu, "valid", metric));
  }
}

TEST_CASE("GPU evaluation: binary metrics, on the device and on the host, are the CPU's",
          "[cuda]") {
  DataSet train = Binary(3000, 51);
  test::InjectMissing(train, 0.05, 52);
  DataSet valid = Binary(1200, 53);
  AddWeights(valid, 54);
  const std::vector<EvalSet> evals = {{"train", &train}, {"valid", &valid}};
  const Params params = {{"objective", "binary:logistic"},
                         {"num_round", "8"},
                         {"max_depth", "4"},
                         {"seed", "5"},
                         {"eval_metric",
                          "logloss,error,error@0.3,accuracy,auc,aucpr,f1,precision,recall,"
                          "balanced_accuracy,r2"}};
  const Run cpu = TrainOn("cpu", params, train, evals);
  const Run gpu = TrainOn("cuda", params, train, evals);
  CheckSameTrees(cpu.model, gpu.model, Bound(1e-4));
  CheckMetrics(cpu, gpu, {"train", "valid"},
               {"logloss", "error", "error@0.3", "accuracy", "auc", "aucpr", "f1", "precision",
                "recall", "balanced_accuracy", "r2"},
               Bound(1e-4));
}

TEST_CASE("GPU evaluation: multi-class metrics are the CPU's, multi:softmax included", "[cuda]") {
  const DataSet train = test::Blobs(1800, 61);
  const DataSet valid = test::Blobs(900, 62);
  const std::vector<EvalSet> evals = {{"train", &train}, {"valid", &valid}};
  const std::string objective = GENERATE(as<std::string>{}, "multi:softprob", "multi:softmax");
  const Params params = {{"objective", objective},
                         {"num_class", "3"},
                         {"num_round", "6"},
                         {"max_depth", "4"},
                         {"eval_metric",
                          "mlogloss,merror,accuracy,auc,f1,precision_micro,recall_macro,"
                          "balanced_accuracy"}};
  const Run cpu = TrainOn("cpu", params, train, evals);
  const Run gpu = TrainOn("cuda", params, train, evals);
  CheckSameTrees(cpu.model, gpu.model, Bound(1e-4));
  CheckMetrics(cpu, gpu, {"train", "valid"},
               {"mlogloss", "merror", "accuracy", "auc", "f1", "precision_micro", "recall_macro",
                "balanced_accuracy"},
               Bound(1e-4));
}

TEST_CASE("GPU evaluation: the log-link objectives' metrics are the CPU's", "[cuda]") {
  const DataSet train = PositiveFriedman(3000, 71);
  const DataSet valid = PositiveFriedman(1000, 72);
  const std::vector<EvalSet> evals = {{"train", &train}, {"valid", &valid}};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"count:poisson", "poisson-nloglik,rmse"},
      {"reg:gamma", "gamma-nloglik,gamma-deviance"},
      {"reg:tweedie", "tweedie-nloglik@1.5,tweedie-nloglik@1"},
  };
  for (const auto& [objective, metrics] : cases) {
    SECTION(objective) {
      const Params params = {{"objective", objective},
                             {"num_round", "6"},
                             {"max_depth", "4"},
                             {"eval_metric", metrics}};
      const Run cpu = TrainOn("cpu", params, train, evals);
      const Run gpu = TrainOn("cuda", params, train, evals);
      CheckSameTrees(cpu.model, gpu.model, Bound(1e-4));
      CheckSameRounds(cpu, gpu, Bound(1e-4));
    }
  }
}

TEST_CASE("GPU evaluation: ndcg and map of query groups are the CPU's", "[cuda]") {
  DataSet train = Binary(3000, 56);
  DataSet valid = Binary(1100, 57);
  for (std::size_t i = 0; i < train.NumRows(); ++i) train.qids.push_back(i / 25);
  for (std::size_t i = 0; i < valid.NumRows(); ++i) valid.qids.push_back(i * i / 9000);
  const std::vector<EvalSet> evals = {{"train", &train}, {"valid", &valid}};
  const Params params = {{"objective", "binary:logistic"},
                         {"num_round", "6"},
                         {"max_depth", "4"},
                         {"eval_metric", "ndcg,ndcg@3-,map,map@5"}};
  const Run cpu = TrainOn("cpu", params, train, evals);
  const Run gpu = TrainOn("cuda", params, train, evals);
  CheckSameTrees(cpu.model, gpu.model, Bound(1e-4));
  CheckMetrics(cpu, gpu, {"train", "valid"}, {"ndcg", "ndcg@3-", "map", "map@5"}, Bound(1e-4));
}

TEST_CASE("GPU evaluation: auc and aucpr of query groups are the CPU's", "[cuda]") {
  DataSet train = Binary(2000, 81);
  DataSet valid = Binary(700, 82);
  for (std::size_t i = 0; i < train.NumRows(); ++i) train.qids.push_back(i / 20);
  for (std::size_t i = 0; i < valid.NumRows(); ++i) valid.qids.push_back(i / 7);
  const std::vector<EvalSet> evals = {{"train", &train}, {"valid", &valid}};
  const Params params = {{"objective", "binary:logistic"},
                         {"num_round", "5"},
                         {"max_depth", "4"},
                         {"eval_metric", "auc,aucpr,f1"}};
  const Run cpu = TrainOn("cpu", params, train, evals);
  const Run gpu = TrainOn("cuda", params, train, evals);
  CheckSameTrees(cpu.model, gpu.model, Bound(1e-4));
  CheckMetrics(cpu, gpu, {"train", "valid"}, {"auc", "aucpr", "f1"}, Bound(1e-4));
  REQUIRE(gpu.rounds.size() == 5);
  CHECK(gpu.rounds[4].results.size() == 6);

  // Multi-class auc and aucpr (one class at a time) and the class metrics too.
  const DataSet blobs = test::Blobs(600, 83);
  const Params multi = {{"objective", "multi:softprob"},
                        {"num_class", "3"},
                        {"num_round", "2"},
                        {"eval_metric", "auc,aucpr,mlogloss,precision_micro,balanced_accuracy"}};
  const Run multi_cpu = TrainOn("cpu", multi, blobs, &blobs);
  const Run multi_gpu = TrainOn("cuda", multi, blobs, &blobs);
  CheckMetrics(multi_cpu, multi_gpu, {"train", "valid"},
               {"auc", "aucpr", "mlogloss", "precision_micro", "balanced_accuracy"}, Bound(1e-4));
}

TEST_CASE("GPU evaluation refuses bad labels with the CPU metric's message, before training",
          "[cuda]") {
  const DataSet train = test::Friedman1(1000, 91);
  DataSet valid = test::Friedman1(300, 92);
  for (float& y : valid.labels) y = y > 14.0f ? 1.0f : 0.0f;
  valid.labels[7] = 2.0f;  // logloss needs labels in [0, 1]
  const std::vector<EvalSet> evals = {{"valid", &valid}};
  const Params params = {
      {"objective", "reg:squarederror"}, {"num_round", "3"}, {"eval_metric", "rmse,logloss"}};
  std::string cpu_message;
  try {
    (void)TrainOn("cpu", params, train, evals);
  } catch (const InvalidInput& e) {
    cpu_message = e.what();
  }
  REQUIRE(!cpu_message.empty());
  std::size_t rounds = 0;
  TrainOptions options;
  options.on_round = [&](const RoundInfo&) { return ++rounds > 0; };
  Params gpu_params = params;
  gpu_params["device"] = "cuda";
  CHECK_THROWS_MATCHES(Train(ParseParams(gpu_params), train, evals, options), InvalidInput,
                       Catch::Matchers::Message(cpu_message));
  CHECK(rounds == 0);
}

TEST_CASE("GPU evaluation refuses a CSR eval set whose columns do not increase", "[cuda]") {
  const DataSet train = test::Friedman1(600, 95);
  DataSet valid = AsCsr(test::Friedman1(200, 96));
  CsrMatrix& m = std::get<CsrMatrix>(valid.features);
  std::swap(m.col_index[m.row_ptr[2]], m.col_index[m.row_ptr[2] + 1]);
  const std::vector<EvalSet> evals = {{"valid", &valid}};
  Params params = {{"num_round", "2"}, {"device", "cuda"}};
  CHECK_THROWS_WITH(Train(ParseParams(params), train, evals),
                    "eval set valid: CSR matrix: row 2 has column 0 after column 1; column "
                    "indices must strictly increase within a row");
}
