// [cuda] end-to-end training: the same data, parameters and seed trained with device=cpu and
// device=cuda give the same trees. Objectives whose gradients are built from + - * / only
// (squared and absolute error here) give bit-identical models. Those that call expf
// (binary:logistic, multi:softprob) get their gradients from CUDA's expf, which is within 2 ulp of
// the true value where glibc's is within 1 (tests/kernels/cuda_gradient_test.cc), so their
// fixed-point sums differ in the last bits: the structure and thresholds must still be the same,
// and values, gains and covers agree within a relative 1e-4 of the tree's largest (the differences
// seen are ~1e-7 per round, accumulating over the rounds through the margins).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <string>

#include "engine/src/random.h"
#include "grove/log.h"
#include "grove/train.h"
#include "kernels/cuda/kernels.h"
#include "tests/kernels/cuda_train_util.h"

using namespace grove;

namespace {

using test::CheckSameRounds;
using test::CheckSameTrees;
using test::Run;
using test::TrainOn;

// The bound for expf-built gradients (exact in cuda_emulated_tests).
constexpr double kExpfBound = test::kCudaEmulated ? 0.0 : 1e-4;

DataSet Binary(std::size_t rows, std::uint64_t seed) {
  DataSet data = test::Friedman1(rows, seed);
  for (float& y : data.labels) y = y > 14.0f ? 1.0f : 0.0f;
  return data;
}

}  // namespace

TEST_CASE("GPU training: squared and absolute error give the CPU's model bit for bit", "[cuda]") {
  using Params = std::map<std::string, std::string>;
  const Params base = {{"objective", "reg:squarederror"},
                       {"num_round", "12"},
                       {"max_depth", "6"},
                       {"eta", "0.3"},
                       {"seed", "11"},
                       {"eval_metric", "rmse"}};
  const auto with = [&](Params extra) {
    Params p = base;
    for (auto& [k, v] : extra) p[k] = v;
    return p;
  };
  const std::vector<std::pair<std::string, Params>> cases = {
      {"depthwise", with({})},
      {"depthwise, missing values, lambda/alpha/gamma",
       with({{"lambda", "2"}, {"alpha", "0.5"}, {"gamma", "0.1"}, {"min_child_weight", "3"}})},
      {"lossguide", with({{"grow_policy", "lossguide"}, {"max_depth", "0"}, {"max_leaves", "24"}})},
      {"lossguide with a depth limit",
       with({{"grow_policy", "lossguide"}, {"max_depth", "4"}, {"max_leaves", "12"}})},
      {"subsample and the three colsample levels", with({{"subsample", "0.7"},
                                                         {"colsample_bytree", "0.8"},
                                                         {"colsample_bylevel", "0.8"},
                                                         {"colsample_bynode", "0.6"}})},
      {"monotone constraints", with({{"monotone_constraints", "(1,0,-1,1)"}, {"max_depth", "5"}})},
      {"monotone constraints with max_delta_step",
       with({{"monotone_constraints", "(1,0,-1,1)"}, {"max_delta_step", "0.5"}})},
      {"interaction constraints", with({{"interaction_constraints", "[[0,1],[2,3,4]]"}})},
      {"16-bit bins", with({{"max_bin", "1000"}})},
      {"num_parallel_tree", with({{"num_parallel_tree", "2"}, {"subsample", "0.8"}})},
      {"reg:absoluteerror (adaptive leaves refitted on the host)",
       with({{"objective", "reg:absoluteerror"}, {"eval_metric", "mae"}})},
      {"reg:absoluteerror with subsample and lossguide", with({{"objective", "reg:absoluteerror"},
                                                               {"eval_metric", "mae"},
                                                               {"subsample", "0.7"},
                                                               {"grow_policy", "lossguide"},
                                                               {"max_leaves", "16"}})},
      {"early stopping on the validation set",
       with({{"num_round", "60"}, {"eta", "0.8"}, {"early_stopping_rounds", "3"}})},
  };
  DataSet train = test::Friedman1(3000, 3);
  const DataSet valid = test::Friedman1(500, 4);
  for (const auto& [name, params] : cases) {
    SECTION(name) {
      if (name.find("missing") != std::string::npos) test::InjectMissing(train, 0.15, 5);
      const Run cpu = TrainOn("cpu", params, train, &valid);
      const Run gpu = TrainOn("cuda", params, train, &valid);
      CheckSameTrees(cpu.model, gpu.model, 0.0);
      CheckSameRounds(cpu, gpu);  // "train" and "valid" from their device caches
      CHECK(cpu.model.best_iteration == gpu.model.best_iteration);
    }
  }
}

TEST_CASE("GPU training: weights and a resumed model give the CPU's model", "[cuda]") {
  DataSet train = test::Friedman1(2000, 8);
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<float> u(0.2f, 3.0f);
  for (std::size_t i = 0; i < train.NumRows(); ++i) train.weights.push_back(u(rng));
  const std::map<std::string, std::string> params = {
      {"objective", "reg:squarederror"}, {"num_round", "6"}, {"max_depth", "5"}, {"seed", "2"}};
  const Run cpu = TrainOn("cpu", params, train);
  const Run gpu = TrainOn("cuda", params, train);
  CheckSameTrees(cpu.model, gpu.model, 0.0);

  // Resume on the GPU from the CPU's first 6 rounds: the margins start from the model.
  std::map<std::string, std::string> more = params;
  more["num_round"] = "10";
  more["device"] = "cpu";
  const Model cpu10 = Train(ParseParams(more), train);
  more["device"] = "cuda";
  TrainOptions resume;
  resume.resume = &cpu.model;
  const Model gpu10 = Train(ParseParams(more), train, {}, resume);
  CheckSameTrees(cpu10, gpu10, 0.0);
}

TEST_CASE("GPU training: logistic loss with missing values, within the expf bound", "[cuda]") {
  DataSet train = Binary(3000, 21);
  test::InjectMissing(train, 0.1, 22);
  const std::string policy = GENERATE(as<std::string>{}, "depthwise", "lossguide");
  const std::map<std::string, std::string> params = {{"objective", "binary:logistic"},
                                                     {"num_round", "10"},
                                                     {"max_depth", "5"},
                                                     {"grow_policy", policy},
                                                     {"max_leaves", "20"},
                                                     {"eval_metric", "auc"},
                                                     {"subsample", "0.8"},
                                                     {"colsample_bynode", "0.7"}};
  const Run cpu = TrainOn("cpu", params, train);
  const Run gpu = TrainOn("cuda", params, train);
  CheckSameTrees(cpu.model, gpu.model, kExpfBound);
  REQUIRE(cpu.rounds.size() == gpu.rounds.size());
  CHECK(std::fabs(cpu.rounds.back().results[0].value - gpu.rounds.back().results[0].value) <=
        kExpfBound);
}

TEST_CASE("GPU training: 3-class softmax, within the expf bound", "[cuda]") {
  const DataSet train = test::Blobs(1500, 31);
  const std::map<std::string, std::string> params = {{"objective", "multi:softprob"},
                                                     {"num_class", "3"},
                                                     {"num_round", "8"},
                                                     {"max_depth", "4"},
                                                     {"eta", "0.3"}};
  const Run cpu = TrainOn("cpu", params, train);
  const Run gpu = TrainOn("cuda", params, train);
  CheckSameTrees(cpu.model, gpu.model, kExpfBound);
}

TEST_CASE("CUDA row sample: the CPU booster's rows keep their gradients", "[cuda]") {
  const std::size_t rows = 100'003;
  std::vector<GradientSum> h_fixed(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    h_fixed[r] = GradientSum{static_cast<std::int64_t>(r) + 1, 2 * static_cast<std::int64_t>(r)};
  }
  auto d_fixed =
      cuda_impl::DeviceBuffer<GradientSum>::FromHost(std::span<const GradientSum>(h_fixed));
  // FromHost copies on the legacy default stream; a non-blocking Stream does not wait for it.
  cuda_impl::SynchronizeDevice();
  const std::uint64_t key = Random::For(5, kStreamRowSample, 3, 1).Next();
  cuda_impl::Stream stream;
  cuda_impl::ZeroUnsampledRows(stream.View(), key, 0.35, rows, d_fixed.data());
  stream.Synchronize();
  const std::vector<GradientSum> out = d_fixed.ToHost();
  std::size_t kept = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const bool in_sample = Random::UniformAt(key, r) < 0.35;
    kept += in_sample ? 1 : 0;
    INFO("row " << r);
    REQUIRE(out[r] == (in_sample ? h_fixed[r] : GradientSum{}));
  }
  CHECK(kept > rows / 4);
  CHECK(kept < rows / 2);
}

TEST_CASE("GPU training reports the device memory the job needs before it trains", "[cuda]") {
  const DataSet train = test::Friedman1(2000, 31);
  std::vector<std::string> info;
  SetLogSink([&](LogLevel level, std::string_view line) {
    if (level == LogLevel::kInfo) info.emplace_back(line);
  });
  const Run gpu = TrainOn("cuda", {{"num_round", "2"}, {"max_depth", "3"}}, train);
  SetLogSink({});
  const auto report = std::find_if(info.begin(), info.end(), [](const std::string& line) {
    return line.find("cuda:0: this job needs ") == 0 &&
           line.find(" GiB of device memory; ") != std::string::npos &&
           line.find(" GiB are free") != std::string::npos;
  });
  CHECK(report != info.end());
  CHECK(gpu.model.trees.size() == 2);
}
