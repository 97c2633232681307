// Host-side logic of device=cuda training (no GPU needed): the up-front refusals, the shape of
// the memory estimate, and the growth rules the CPU and CUDA growers share.
#include "engine/src/cuda_options.h"

#include <catch2/catch.hpp>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "engine/src/cuda_eval.h"
#include "engine/src/cuda_predict.h"
#include "engine/src/grow_rules.h"
#include "engine/src/random.h"
#include "grove/errors.h"
#include "grove/metrics.h"
#include "grove/train.h"
#include "kernels/common/counter_random.h"
#include "kernels/cuda/device.h"
#include "train_test_util.h"

using namespace grove;
using Catch::Matchers::Contains;

namespace {

TrainParams Cuda(std::map<std::string, std::string> values) {
  values["device"] = "cuda";
  return ParseParams(values);
}

}  // namespace

TEST_CASE("device=cuda: the build, then the device ordinal are checked", "[unit]") {
  const TrainParams ok = Cuda({{"objective", "reg:squarederror"}});
  if (!BuiltWithCuda()) {
    // A CPU-only build keeps its refusal, whatever the options.
    CHECK_THROWS_WITH(RequireCudaTraining(ok, 0),
                      "device=cuda:0: this build trains on the CPU only; set device=cpu");
    CHECK_THROWS_WITH(RequireCudaTraining(Cuda({{"algorithm", "random_forest"}}), 4),
                      Contains("trains on the CPU only"));
    const DataSet data = test::Friedman1(100, 3);
    CHECK_THROWS_WITH(Train(Cuda({{"algorithm", "random_forest"},
                                  {"objective", "reg:squarederror"},
                                  {"n_estimators", "2"}}),
                            data),
                      "device=cuda:0: this build trains on the CPU only; set device=cpu");
    return;
  }
  CHECK_NOTHROW(RequireCudaTraining(ok, 1));
  // Forests train on the GPU too; the same checks apply.
  CHECK_NOTHROW(RequireCudaTraining(Cuda({{"algorithm", "random_forest"}}), 1));
  CHECK_THROWS_WITH(RequireCudaTraining(ok, 0),
                    Contains("device=cuda:0: no such CUDA device") &&
                        Contains("this machine has 0 usable CUDA devices") &&
                        Contains("set device=cpu"));
  TrainParams third = ok;
  third.device = Device::Parse("cuda:2");
  CHECK_THROWS_WITH(RequireCudaTraining(third, 2),
                    Contains("has 2 usable CUDA devices") && Contains("device=cuda:0 .. cuda:1"));
  CHECK_THROWS_WITH(RequireCudaTraining(Cuda({{"algorithm", "random_forest"}}), 0),
                    Contains("no such CUDA device"));
}

TEST_CASE("grove::Train with device=cuda refuses up front without a usable GPU", "[unit]") {
  const DataSet data = test::Friedman1(200, 7);
  const TrainParams params = Cuda({{"objective", "reg:squarederror"}, {"num_round", "2"}});
  const TrainParams forest = Cuda(
      {{"algorithm", "random_forest"}, {"objective", "reg:squarederror"}, {"n_estimators", "2"}});
  if (!BuiltWithCuda()) {
    CHECK_THROWS_WITH(Train(params, data), Contains("this build trains on the CPU only"));
    CHECK_THROWS_WITH(Train(forest, data), Contains("this build trains on the CPU only"));
  } else if (cuda_impl::DeviceCount() == 0) {
    CHECK_THROWS_WITH(Train(params, data), Contains("no such CUDA device"));
    CHECK_THROWS_WITH(Train(forest, data), Contains("no such CUDA device"));
  }
}

TEST_CASE("Model::Predict with device=cuda refuses up front without a usable GPU", "[unit]") {
  const Device gpu = Device::Parse("cuda");
  if (!BuiltWithCuda()) {
    CHECK_THROWS_WITH(RequireCudaPrediction(gpu, 0),
                      "device=cuda:0: this build predicts on the CPU only; set device=cpu");
  } else {
    CHECK_NOTHROW(RequireCudaPrediction(gpu, 1));
    CHECK_THROWS_WITH(RequireCudaPrediction(gpu, 0),
                      Contains("device=cuda:0: no such CUDA device") &&
                          Contains("this machine has 0 usable CUDA devices"));
    CHECK_THROWS_WITH(
        RequireCudaPrediction(Device::Parse("cuda:3"), 2),
        Contains("device=cuda:3: no such CUDA device") && Contains("device=cuda:0 .. cuda:1"));
  }
  if (cuda_impl::DeviceCount() > 0) return;  // the [cuda] tests predict on the GPU
  const DataSet data = test::Friedman1(200, 7);
  const Model model =
      Train(ParseParams({{"objective", "reg:squarederror"}, {"num_round", "2"}}), data);
  PredictOptions options;
  options.device = gpu;
  CHECK_THROWS_AS(model.Predict(data.Dense(), options), InvalidInput);
  options.type = PredictType::kLeaf;
  CHECK_THROWS_AS(model.Predict(data.Dense(), options), InvalidInput);
}

TEST_CASE("the GPU row limit is stated before anything is uploaded", "[unit]") {
  CHECK_NOTHROW(CheckCudaRows(1'000'000));
  const auto limit = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
  CHECK_NOTHROW(CheckCudaRows(limit - 1));
  CHECK_THROWS_WITH(CheckCudaRows(limit), Contains("2147483647 rows; device=cuda trains on fewer "
                                                   "than 2147483647 rows"));
}

TEST_CASE("the device memory estimate gets the job's shape", "[unit]") {
  const TrainParams depthwise = Cuda({{"max_depth", "8"}});
  const cuda_impl::TrainingShape a =
      CudaTrainingShape(depthwise, 1'000'000, 28, 7'168, true, 1, false);
  CHECK(a.rows == 1'000'000);
  CHECK(a.features == 28);
  CHECK(a.total_bins == 7'168);
  CHECK(a.bytes_per_bin == 1);
  CHECK(a.outputs == 1);
  CHECK_FALSE(a.weighted);
  CHECK(a.max_depth == 8);
  CHECK(a.max_leaves == 0);
  CHECK(a.eval_rows == 0);
  const TrainParams lossguide =
      Cuda({{"grow_policy", "lossguide"}, {"max_depth", "0"}, {"max_leaves", "31"}});
  const cuda_impl::TrainingShape b = CudaTrainingShape(lossguide, 10, 3, 40, false, 3, true);
  CHECK(b.bytes_per_bin == 2);
  CHECK(b.outputs == 3);
  CHECK(b.weighted);
  CHECK(b.max_depth == 6);  // no depth limit: depth 6 stands in, capped by max_leaves
  CHECK(b.max_leaves == 31);
  // Default depth (6) for gbdt.
  CHECK(CudaTrainingShape(Cuda({}), 10, 3, 40, true, 1, false).max_depth == 6);
}

TEST_CASE("the evaluation sets' device footprint counts features and ranking groups", "[unit]") {
  DataSet train = test::Friedman1(100, 1);
  DataSet valid = test::Friedman1(40, 2);  // 40 x 10 dense floats
  const std::vector<std::uint32_t> groups = {0, 10, 35, 40};
  const std::vector<float> no_margins;
  const std::vector<CudaEvalInput> sets = {{"train", &train, true, no_margins, {}},
                                           {"valid", &valid, false, no_margins, groups}};
  std::vector<std::unique_ptr<Metric>> metrics;
  metrics.push_back(CreateMetric("rmse"));
  const CudaEvalFootprint plain = EvalFootprintOf(sets, metrics);
  CHECK(plain.rows == 40);
  CHECK(plain.metric_rows == 100);
  CHECK(plain.feature_bytes == 40 * valid.NumFeatures() * 4);
  // ndcg@10 and map: per set its group boundaries (4 bytes each) and the discount table of
  // min(10, widest group) doubles. train: one group of 100 rows, 2 + 10 entries; valid: 3
  // groups, the widest 25 rows, 4 + 10.
  metrics.push_back(CreateMetric("ndcg@10"));
  metrics.push_back(CreateMetric("map"));
  CHECK(EvalFootprintOf(sets, metrics).feature_bytes ==
        plain.feature_bytes + (2 * 4 + 10 * 8) + (4 * 4 + 10 * 8));
  // map alone needs no discounts; ndcg without @k needs one per position of the widest group.
  metrics.erase(metrics.begin() + 1);
  CHECK(EvalFootprintOf(sets, metrics).feature_bytes == plain.feature_bytes + 2 * 4 + 4 * 4);
  metrics.push_back(CreateMetric("ndcg"));
  CHECK(EvalFootprintOf(sets, metrics).feature_bytes ==
        plain.feature_bytes + (2 * 4 + 100 * 8) + (4 * 4 + 25 * 8));
}

TEST_CASE("the counter-based row draw is shared by the host and the device code", "[unit]") {
  // Random::UniformAt delegates to CounterUniform; the [cuda] row-sample test compares the
  // kernel with it. Hand check of SplitMix64's finaliser: Mix(0) is the first output of
  // SplitMix64 seeded with 0.
  CHECK(CounterMix(0) == 0xE220A8397B1DCDAFULL);
  CHECK(Random::UniformAt(123, 45) == CounterUniform(123, 45));
  const double u = CounterUniform(0, 0);
  CHECK(u >= 0.0);
  CHECK(u < 1.0);
}

TEST_CASE("shared growth rules: monotone bounds, paths, order, node sums", "[unit]") {
  GrowerParams params;
  params.monotone = {1, 0, -1};
  SplitCandidate split;
  split.left_weight = -1.0;
  split.right_weight = 3.0;
  const WeightBounds root;
  split.feature = 0;  // increasing: left capped, right floored at the midpoint 1.0
  CHECK(detail::ChildBounds(params, root, split, true).upper == 1.0);
  CHECK(detail::ChildBounds(params, root, split, false).lower == 1.0);
  CHECK(detail::ChildBounds(params, root, split, true).Bounded());
  split.feature = 2;  // decreasing: the other way round
  CHECK(detail::ChildBounds(params, root, split, true).lower == 1.0);
  CHECK(detail::ChildBounds(params, root, split, false).upper == 1.0);
  split.feature = 1;
  CHECK_FALSE(detail::ChildBounds(params, root, split, true).Bounded());

  const std::vector<std::uint32_t> root_path;
  const std::vector<std::uint32_t> path = detail::ChildPath(detail::ChildPath(root_path, 4), 1);
  CHECK(path == std::vector<std::uint32_t>{1, 4});
  CHECK(detail::ChildPath(path, 3) == std::vector<std::uint32_t>{1, 3, 4});
  CHECK(detail::ChildPath(path, 4) == path);

  struct N {
    std::int32_t node;
    SplitCandidate split;
  };
  N a{5, {}};
  N b{2, {}};
  a.split.loss_change = 2.0;
  b.split.loss_change = 2.0;
  CHECK(detail::LossguideAfter(a, b));  // equal gain: the later node waits
  b.split.loss_change = 1.0;
  CHECK_FALSE(detail::LossguideAfter(a, b));

  // Feature 0 has 2 bins plus a missing bin: the node's sum is theirs.
  const HistogramCuts cuts({1.0f, 2.0f, 5.0f}, {0, 2, 3}, {0.0f, 0.0f}, {1, 0});
  std::vector<GradientSum> hist(cuts.TotalBins());
  hist[0] = {3, 1};
  hist[1] = {-1, 2};
  hist[2] = {4, 4};      // missing bin of feature 0
  hist[3] = {100, 100};  // feature 1: not counted
  CHECK(detail::NodeSumOf(cuts, hist) == GradientSum{6, 7});

  params.max_depth = 2;
  params.max_leaves = 3;
  split.feature = 0;
  split.loss_change = 0.5;
  CHECK(detail::CanSplit(params, split, 1, 2));
  CHECK_FALSE(detail::CanSplit(params, split, 2, 2));  // depth limit
  CHECK_FALSE(detail::CanSplit(params, split, 1, 3));  // leaf limit
  params.split.min_split_loss = 1.0;
  CHECK_FALSE(detail::CanSplit(params, split, 1, 2));  // gamma
}

TEST_CASE("column sampling draws the same features for the same stream", "[unit]") {
  GrowerParams params;
  params.colsample_bylevel = 0.5;
  params.colsample_bynode = 0.5;
  const std::vector<std::uint32_t> tree_features = {0, 1, 2, 3, 4, 5, 6, 7};
  detail::FeatureSampler a(tree_features, params, 99, 8);
  detail::FeatureSampler b(tree_features, params, 99, 8);
  CHECK(a.LevelFeatures(1).size() == 4);
  CHECK(a.NodeFeatures(3, 1, {}) == b.NodeFeatures(3, 1, {}));
  CHECK(a.NodeFeatures(3, 1, {}).size() == 2);
  // Interaction constraints: with path {0}, only the sets containing 0 (here {0, 1}) remain.
  params.colsample_bylevel = 1.0;
  params.colsample_bynode = 1.0;
  params.interaction_sets = {{0, 1}, {2, 3}};
  detail::FeatureSampler c(tree_features, params, 99, 8);
  CHECK(c.NodeFeatures(1, 1, {0}) == std::vector<std::uint32_t>{0, 1});
  CHECK(c.NodeFeatures(1, 1, {}) == tree_features);
  CHECK(c.NodeFeatures(1, 1, {0, 2}) == std::vector<std::uint32_t>{0, 2});
}
