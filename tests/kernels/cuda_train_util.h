// tests/kernels/cuda_train_util.h — train the same job with device=cpu and device=cuda and
// compare the models and the per-round metrics ([cuda] training tests; also compiled into
// cuda_emulated_tests, where GROVE_CUDA_EMULATED is 1 and the device is the CPU's kernels).
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "grove/train.h"
#include "tests/engine/train_test_util.h"

#ifndef GROVE_CUDA_EMULATED
#  define GROVE_CUDA_EMULATED 0
#endif

namespace grove::test {

/// True in cuda_emulated_tests: every "within a bound" comparison must then be exact.
inline constexpr bool kCudaEmulated = GROVE_CUDA_EMULATED != 0;

struct Run {
  Model model;
  std::vector<RoundInfo> rounds;
};

inline Run TrainOn(const std::string& device, std::map<std::string, std::string> values,
                   const DataSet& train, const std::vector<EvalSet>& evals) {
  values["device"] = device;
  const TrainParams params = ParseParams(values);
  Run run;
  TrainOptions options;
  options.on_round = [&](const RoundInfo& r) {
    run.rounds.push_back(r);
    run.rounds.back().model = nullptr;
    return true;
  };
  run.model = Train(params, train, evals, options);
  return run;
}

/// Evaluated on "train" and, when given, "valid".
inline Run TrainOn(const std::string& device, std::map<std::string, std::string> values,
                   const DataSet& train, const DataSet* valid = nullptr) {
  std::vector<EvalSet> evals = {{"train", &train}};
  if (valid != nullptr) evals.push_back({"valid", valid});
  return TrainOn(device, std::move(values), train, evals);
}

inline double MaxAbs(const std::vector<float>& v) {
  double m = 0.0;
  for (const float x : v) m = std::max(m, static_cast<double>(std::fabs(x)));
  return m;
}

inline void CheckNear(const std::vector<float>& cpu, const std::vector<float>& gpu,
                      double tolerance, const char* field) {
  REQUIRE(cpu.size() == gpu.size());
  const double bound = tolerance * std::max(MaxAbs(cpu), 1e-6);
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    INFO(field << " of node " << i << ": CPU " << cpu[i] << ", GPU " << gpu[i]);
    CHECK(std::fabs(static_cast<double>(cpu[i]) - gpu[i]) <= bound);
  }
}

/// tolerance 0: the models are bit for bit the same; else the same structure and thresholds,
/// and values, gains and covers within `tolerance` of the tree's largest.
inline void CheckSameTrees(const Model& cpu, const Model& gpu, double tolerance) {
  REQUIRE(cpu.trees.size() == gpu.trees.size());
  CHECK(cpu.tree_group == gpu.tree_group);
  CHECK(cpu.base_margin == gpu.base_margin);
  for (std::size_t t = 0; t < cpu.trees.size(); ++t) {
    INFO("tree " << t);
    const Tree& a = cpu.trees[t];
    const Tree& b = gpu.trees[t];
    REQUIRE(a.left == b.left);
    REQUIRE(a.right == b.right);
    REQUIRE(a.split_feature == b.split_feature);
    REQUIRE(a.threshold == b.threshold);
    REQUIRE(a.default_left == b.default_left);
    if (tolerance == 0.0) {
      CHECK(a.value == b.value);
      CHECK(a.loss_change == b.loss_change);
      CHECK(a.sum_hessian == b.sum_hessian);
      CHECK(a == b);
    } else {
      CheckNear(a.value, b.value, tolerance, "value");
      CheckNear(a.loss_change, b.loss_change, tolerance, "loss_change");
      CheckNear(a.sum_hessian, b.sum_hessian, tolerance, "sum_hessian");
    }
  }
}

/// Every round's metrics: the same sets and names in the same order, values equal (tolerance
/// 0) or within a relative `tolerance`.
inline void CheckSameRounds(const Run& cpu, const Run& gpu, double tolerance = 0.0) {
  REQUIRE(cpu.rounds.size() == gpu.rounds.size());
  for (std::size_t i = 0; i < cpu.rounds.size(); ++i) {
    REQUIRE(cpu.rounds[i].results.size() == gpu.rounds[i].results.size());
    for (std::size_t k = 0; k < cpu.rounds[i].results.size(); ++k) {
      const EvalResult& a = cpu.rounds[i].results[k];
      const EvalResult& b = gpu.rounds[i].results[k];
      INFO("round " << i << ", " << a.set << "-" << a.metric << ": CPU " << a.value << ", GPU "
                    << b.value);
      REQUIRE(a.set == b.set);
      REQUIRE(a.metric == b.metric);
      if (tolerance == 0.0) {
        CHECK(a.value == b.value);
      } else {
        CHECK(std::fabs(a.value - b.value) <= tolerance * std::max(std::fabs(a.value), 1.0));
      }
    }
  }
}

}  // namespace grove::test
