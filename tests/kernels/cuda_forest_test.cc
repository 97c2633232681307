// [cuda] random forests: the same data, parameters and random_state trained with device=cpu and
// device=cuda give the same forest bit for bit — structure, thresholds, leaf values, covers,
// impurity decreases, the out-of-bag score and the reported metrics. The split scan is the CPU's
// own code (kernels/common/impurity_scan.h) and every sum is an integer; gini and squared error
// use + - * / only. Entropy calls log2, which CUDA computes within 1 ulp: a decrease could then
// differ in its last bit and flip an exact near-tie between two candidates; these data have none.
// Also compiled into cuda_emulated_tests (the device calls run on the CPU kernels there).
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/src/cuda_grower.h"
#include "grove/log.h"
#include "grove/train.h"
#include "tests/kernels/cuda_train_util.h"

using namespace grove;

namespace {

using Params = std::map<std::string, std::string>;
using test::CheckSameRounds;
using test::CheckSameTrees;
using test::Run;
using test::TrainOn;

DataSet Classes(std::size_t rows, std::uint64_t seed, int classes) {
  DataSet data = test::Friedman1(rows, seed);
  for (float& y : data.labels) {
    y = static_cast<float>(std::min(classes - 1, static_cast<int>(y / 25.0f * classes)));
  }
  return data;
}

void CheckSameForest(const Run& cpu, const Run& gpu) {
  CheckSameTrees(cpu.model, gpu.model, 0.0);
  CHECK(cpu.model.oob_score == gpu.model.oob_score);
  CheckSameRounds(cpu, gpu);
}

}  // namespace

TEST_CASE("GPU forests: classification gives the CPU's forest bit for bit", "[cuda]") {
  const Params base = {{"algorithm", "random_forest"}, {"objective", "binary:logistic"},
                       {"n_estimators", "6"},          {"max_depth", "10"},
                       {"min_samples_split", "5"},     {"random_state", "7"},
                       {"oob_score", "true"},          {"eval_metric", "auc"}};
  const auto with = [&](Params extra) {
    Params p = base;
    for (auto& [k, v] : extra) p[k] = v;
    return p;
  };
  const std::vector<std::pair<std::string, Params>> cases = {
      {"gini, bootstrap, sqrt features", with({})},
      {"missing values", with({{"max_depth", "none"}})},
      {"entropy, min_samples_leaf (a count channel), balanced_subsample",
       with({{"criterion", "entropy"},
             {"min_samples_leaf", "3"},
             {"class_weight", "balanced_subsample"}})},
      {"max_leaf_nodes (best first), all features",
       with({{"max_leaf_nodes", "40"}, {"max_features", "none"}, {"max_depth", "none"}})},
      {"no bootstrap, min_impurity_decrease, min_weight_fraction_leaf",
       with({{"bootstrap", "false"},
             {"max_features", "0.5"},
             {"min_impurity_decrease", "0.0005"},
             {"min_weight_fraction_leaf", "0.01"},
             {"oob_score", "false"}})},
      {"max_samples and 16-bit bins", with({{"max_samples", "0.6"}, {"max_bin", "1000"}})},
  };
  DataSet train = Classes(2500, 41, 2);
  const DataSet valid = Classes(600, 42, 2);
  for (const auto& [name, params] : cases) {
    SECTION(name) {
      if (name.find("missing") != std::string::npos) test::InjectMissing(train, 0.15, 43);
      CheckSameForest(TrainOn("cpu", params, train, &valid),
                      TrainOn("cuda", params, train, &valid));
    }
  }
}

TEST_CASE("GPU forests: multi-class, weights and regression give the CPU's forest", "[cuda]") {
  SECTION("3 classes, sample weights, balanced class weights") {
    DataSet train = Classes(2000, 51, 3);
    std::mt19937_64 rng(52);
    std::uniform_real_distribution<float> u(0.25f, 4.0f);
    for (std::size_t i = 0; i < train.NumRows(); ++i) train.weights.push_back(u(rng));
    const Params params = {
        {"algorithm", "random_forest"}, {"objective", "multi:softprob"}, {"num_class", "3"},
        {"n_estimators", "5"},          {"class_weight", "balanced"},    {"random_state", "3"},
        {"oob_score", "true"},          {"eval_metric", "mlogloss"}};
    CheckSameForest(TrainOn("cpu", params, train), TrainOn("cuda", params, train));
  }
  SECTION("10 classes with a count channel: subset histograms wider than 48 KiB") {
    const DataSet train = Classes(3000, 53, 10);
    const Params params = {{"algorithm", "random_forest"},
                           {"objective", "multi:softmax"},
                           {"num_class", "10"},
                           {"n_estimators", "3"},
                           {"max_depth", "8"},
                           {"min_samples_leaf", "2"},
                           {"max_features", "0.4"},
                           {"random_state", "5"}};
    CheckSameForest(TrainOn("cpu", params, train), TrainOn("cuda", params, train));
  }
  SECTION("regression: squared error, missing values, oob R^2, best first") {
    DataSet train = test::Friedman1(2500, 61);
    test::InjectMissing(train, 0.1, 62);
    const Params params = {{"algorithm", "random_forest"}, {"objective", "reg:squarederror"},
                           {"n_estimators", "5"},          {"max_leaf_nodes", "64"},
                           {"min_samples_leaf", "2"},      {"random_state", "9"},
                           {"oob_score", "true"},          {"eval_metric", "rmse"}};
    CheckSameForest(TrainOn("cpu", params, train), TrainOn("cuda", params, train));
  }
  SECTION("regression with repeated labels: one-label nodes stay leaves") {
    DataSet train = test::Friedman1(2000, 63);
    for (float& y : train.labels) y = std::round(y / 4.0f);
    const Params params = {{"algorithm", "random_forest"},
                           {"objective", "reg:squarederror"},
                           {"n_estimators", "4"},
                           {"max_features", "0.3"},
                           {"random_state", "1"}};
    CheckSameForest(TrainOn("cpu", params, train), TrainOn("cuda", params, train));
  }
}

TEST_CASE("GPU forests report the device memory the job needs before they train", "[cuda]") {
  const DataSet train = Classes(1000, 71, 2);
  std::vector<std::string> info;
  SetLogSink([&](LogLevel level, std::string_view line) {
    if (level == LogLevel::kInfo) info.emplace_back(line);
  });
  const Run gpu = TrainOn(
      "cuda",
      {{"algorithm", "random_forest"}, {"objective", "binary:logistic"}, {"n_estimators", "2"}},
      train);
  SetLogSink({});
  CHECK(std::any_of(info.begin(), info.end(), [](const std::string& line) {
    return line.find("cuda:0: this job needs ") == 0 &&
           line.find(" GiB of device memory; ") != std::string::npos;
  }));
  CHECK(gpu.model.trees.size() == 2);
}

TEST_CASE("the forest's batch-histogram buffer doubles up to its cap, then grows as asked",
          "[cuda]") {
  // Hand-computed capacities for a cap of 100: twice the old size, but never past the cap
  // unless one request needs more.
  GrowingBuffer<GradientSum> buffer(100);
  CHECK(buffer.Capacity() == 0);
  const std::vector<std::pair<std::size_t, std::size_t>> steps = {
      {10, 10}, {11, 20}, {20, 20}, {70, 70}, {71, 100}, {150, 150}, {151, 151}, {5, 151}};
  for (const auto& [request, capacity] : steps) {
    INFO("request " << request);
    CHECK(buffer.Reserve(request) != nullptr);
    CHECK(buffer.Capacity() == capacity);
  }
  GrowingBuffer<std::uint32_t> uncapped;  // the grower's lists: plain doubling
  uncapped.Reserve(10);
  uncapped.Reserve(11);
  CHECK(uncapped.Capacity() == 20);
  uncapped.Reserve(1000);
  CHECK(uncapped.Capacity() == 1000);
  uncapped.Reserve(1001);
  CHECK(uncapped.Capacity() == 2000);
}
