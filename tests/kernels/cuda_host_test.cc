// The host-side logic of the CUDA backend, which every build has: error text, the device
// memory estimate and its check, launch geometry and the flat forest layout.
#include <catch2/catch.hpp>

#include <numeric>
#include <string>

#include "grove/errors.h"
#include "kernels/cuda/device.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/device_error.h"
#include "kernels/cuda/forest_layout.h"
#include "kernels/cuda/launch_plan.h"
#include "kernels/cuda/memory_estimate.h"

using namespace grove;
using namespace grove::cuda_impl;
using Catch::Matchers::Contains;

TEST_CASE("CUDA error messages name the call, the place and a remedy", "[unit]") {
  CHECK(CudaErrorMessage("cudaMemcpy(a, b, n, k)", "histogram.cu", 42, "cudaErrorInvalidValue",
                         "invalid argument") ==
        "CUDA call `cudaMemcpy(a, b, n, k)` failed at histogram.cu:42: cudaErrorInvalidValue "
        "(invalid argument)");
  CHECK_THAT(CudaErrorMessage("cudaMalloc(&p, n)", "memory.cu", 7, "cudaErrorMemoryAllocation",
                              "out of memory"),
             Contains("memory.cu:7") && Contains("ran out of memory"));
  CHECK_THAT(CudaErrorMessage("launch of HistogramKernel", "histogram.cu", 9,
                              "cudaErrorNoKernelImageForDevice", "no kernel image"),
             Contains("CMAKE_CUDA_ARCHITECTURES=native"));
}

TEST_CASE("the memory estimate adds up the resident buffers", "[unit]") {
  // Hand count for 1,000,000 rows x 10 features, 1-byte bins, 2,560 bins, 1 output, depth 1:
  // matrix 10e6, labels 4e6, cache 4e6, gradients 8e6 + 16e6, partition 5 x 4e6 = 20e6,
  // histograms 1 node x 3 x 2,560 x 16 = 122,880, split scratch 1 x 10 x 80 = 800,
  // metric (the training set evaluated) 1e6 x (24 + 4) = 28e6 plus 245 AUC blocks x (4 + 24 +
  // 24 + 8) = 14,700, cuts 2,560 x 4 + 10 x 16 = 10,400, reserve 128 MiB.
  TrainingShape shape;
  shape.rows = 1'000'000;
  shape.features = 10;
  shape.total_bins = 2'560;
  shape.max_depth = 1;
  shape.metric_rows = 1'000'000;
  const MemoryEstimate e = EstimateTrainingMemory(shape);
  const std::uint64_t expected = 10'000'000 + 4'000'000 + 4'000'000 + 24'000'000 + 20'000'000 +
                                 122'880 + 800 + 28'014'700 + 10'400 + kMemoryReserveBytes;
  CHECK(e.total_bytes == expected);
  REQUIRE(!e.parts.empty());
  CHECK(e.parts.front().name == "temporary storage reserve");  // largest first
  for (std::size_t i = 1; i < e.parts.size(); ++i) CHECK(e.parts[i - 1].bytes >= e.parts[i].bytes);

  // An evaluation set of 1,000 rows with 40,000 bytes of features: features + (cache 4 +
  // label and weight 8) per row.
  TrainingShape with_eval = shape;
  with_eval.eval_rows = 1'000;
  with_eval.eval_feature_bytes = 40'000;
  CHECK(EstimateTrainingMemory(with_eval).total_bytes == expected + 40'000 + 1'000 * 12);

  // Deeper trees, more classes, weights and evaluation rows only add.
  TrainingShape bigger = shape;
  bigger.max_depth = 8;
  bigger.outputs = 3;
  bigger.weighted = true;
  bigger.eval_rows = 100'000;
  bigger.eval_feature_bytes = 100'000 * 10 * 4;
  CHECK(EstimateTrainingMemory(bigger).total_bytes > e.total_bytes);

  // With many classes the class counts' scratch outgrows AUC's: 100,000 rows x 12,000 outputs
  // give predictions 4.8e9, AUC 100,000 x 24 + 25 blocks x 60 = 2,401,500, class counts
  // 100,000 x 4 + 7 blocks x 12,000 classes x 32 = 3,088,000.
  TrainingShape classes = shape;
  classes.rows = classes.metric_rows = 100'000;
  classes.outputs = 12'000;
  std::uint64_t metric_bytes = 0;
  for (const MemoryPart& part : EstimateTrainingMemory(classes).parts) {
    if (part.name == "metric buffers") metric_bytes = part.bytes;
  }
  CHECK(metric_bytes == 4'800'000'000 + 3'088'000);
  classes.outputs = 3;  // 1.2e6 + AUC's 2,401,500 (class counts: 400,000 + 7 x 3 x 32)
  for (const MemoryPart& part : EstimateTrainingMemory(classes).parts) {
    if (part.name == "metric buffers") CHECK(part.bytes == 1'200'000 + 2'401'500);
  }
  // Absurd shapes saturate instead of wrapping around.
  TrainingShape absurd = shape;
  absurd.rows = std::uint64_t{1} << 62;
  absurd.features = std::uint64_t{1} << 20;
  CHECK(EstimateTrainingMemory(absurd).total_bytes == UINT64_MAX);
}

TEST_CASE("the forest memory estimate adds up its buffers", "[unit]") {
  // Hand count for 1,000,000 rows x 28 features, 1-byte bins, 7,196 bins, 2 pairs: matrix 28e6,
  // labels 4e6, in-bag values 1e6 x 2 x 16 = 32e6, partition 16e6, one batch's histograms
  // 2^24 x 16, its results 2^20 x (80 + 8 + 12), cuts 7,196 x 4 + 28 x 16 = 29,232, reserve.
  ForestShape shape;
  shape.rows = 1'000'000;
  shape.features = 28;
  shape.total_bins = 7'196;
  shape.pairs = 2;
  shape.max_features = 5;
  shape.widest_feature = 257;
  const std::uint64_t expected = 28'000'000 + 4'000'000 + 32'000'000 + 16'000'000 +
                                 (std::uint64_t{1} << 24) * 16 + (std::uint64_t{1} << 20) * 100 +
                                 29'232 + kMemoryReserveBytes;
  CHECK(EstimateForestMemory(shape).total_bytes == expected);
  // A node whose own batch exceeds the batch limit is searched alone: its histogram counts.
  ForestShape wide = shape;
  wide.max_features = 100'000;
  wide.widest_feature = 1'000;
  wide.pairs = 32;
  CHECK(EstimateForestMemory(wide).total_bytes ==
        expected + 30 * 16'000'000 + (100'000ULL * 1'000 * 32 - (std::uint64_t{1} << 24)) * 16);
  // The split scan's stack as ForestScanStackBytes reports it, e.g. 2,592 bytes a thread on
  // an H100's 132 x 2,048 resident threads.
  ForestShape stacked = shape;
  stacked.scan_stack_bytes = 2'592ULL * 132 * 2'048;
  CHECK(EstimateForestMemory(stacked).total_bytes == expected + 700'710'912);
}

TEST_CASE("a job that does not fit fails with how much it needs and how much is free", "[unit]") {
  TrainingShape shape;
  shape.rows = 100'000'000;
  shape.features = 28;
  shape.total_bins = 28 * 256;
  const MemoryEstimate need = EstimateTrainingMemory(shape);
  CHECK_NOTHROW(CheckDeviceMemory(need, need.total_bytes, "cuda:0 (Test GPU)"));
  CHECK(FormatGiB(std::uint64_t{3} << 29) == "1.50 GiB");
  try {
    CheckDeviceMemory(need, std::uint64_t{1} << 30, "cuda:0 (Test GPU)");
    FAIL("expected InvalidInput");
  } catch (const InvalidInput& e) {
    const std::string text = e.what();
    CHECK_THAT(text, Contains("cuda:0 (Test GPU)"));
    CHECK_THAT(text, Contains("needs " + FormatGiB(need.total_bytes)));
    CHECK_THAT(text, Contains("1.00 GiB are free"));
    CHECK_THAT(text, Contains("quantized matrix"));
    CHECK_THAT(text, Contains("device=cpu"));
  }
}

TEST_CASE("feature groups cover every feature and fit in shared memory", "[unit]") {
  // Bins per feature: 100, 300, 2000 (too wide for 16 KiB = 1024 entries), 0, 50, 1000.
  const std::vector<std::uint32_t> offsets = {0, 100, 400, 2400, 2400, 2450, 3450};
  const std::vector<FeatureGroup> groups = PlanFeatureGroups(offsets, 16 * 1024);
  const std::vector<FeatureGroup> expected = {{0, 2, 0, 400, true},
                                              {2, 3, 400, 2000, false},
                                              {3, 5, 2400, 50, true},
                                              {5, 6, 2450, 1000, true}};
  CHECK(groups == expected);
  // Everything fits: one group.
  CHECK(PlanFeatureGroups(offsets, 1 << 20).size() == 1);
  // No features: no groups.
  CHECK(PlanFeatureGroups(std::vector<std::uint32_t>{0}, 1024).empty());
}

TEST_CASE("launch geometry stays within the grid limits", "[unit]") {
  // 1M rows x 28 features over 1 node on 132 SMs: 528 blocks wanted, plenty of work for them.
  CHECK(BlocksPerNode(1'000'000, 28, 1, 1, 132) == 528);
  // 128 nodes share the SMs: 5 blocks each (ceil(528 / 128)).
  CHECK(BlocksPerNode(1'000'000, 28, 128, 1, 132) == 5);
  // A tiny node gets one block, never zero.
  CHECK(BlocksPerNode(3, 1, 1, 1, 132) == 1);
  CHECK(BlocksPerNode(0, 0, 0, 0, 0) == 1);
  CHECK(GridBlocks(0, 256) == 1);
  CHECK(GridBlocks(257, 256) == 2);
  CHECK(GridBlocks(std::uint64_t{1} << 40, 256, 65535) == 65535);
}

TEST_CASE("FlattenForest packs trees as the CPU predictor does", "[unit]") {
  // Root splits feature 1 at 0.5 (missing goes left); leaves 0.25 and -1.
  const std::vector<std::int32_t> left = {1, -1, -1}, right = {2, -1, -1};
  const std::vector<std::uint32_t> feature = {1, 0, 0};
  const std::vector<float> threshold = {0.5f, 0.0f, 0.0f}, value = {0.0f, 0.25f, -1.0f};
  const std::vector<std::uint8_t> default_left = {1, 0, 0};
  const std::vector<cpu_impl::PredictTree> trees = {
      {left, right, feature, threshold, default_left, value, 0, {}, 1},
      {left, right, feature, threshold, default_left, value, 0, {}, 0}};
  const FlatForest flat = FlattenForest(trees, 2, 2);
  REQUIRE(flat.nodes.size() == 6);
  CHECK(flat.tree_begin == std::vector<std::uint32_t>{0, 3, 6});
  CHECK(flat.tree_group == std::vector<std::int32_t>{1, 0});
  CHECK(flat.nodes[0].child[0] == 1);
  CHECK(flat.nodes[0].child[1] == 2);
  CHECK(flat.nodes[0].feature == (1U | kDefaultLeftBit));
  CHECK(flat.nodes[0].cond == 0.5f);
  CHECK(flat.nodes[1].child[0] == -1);
  CHECK(flat.nodes[4].cond == 0.25f);
  // A split on a column the input does not have is a broken model.
  CHECK_THROWS_AS(FlattenForest(trees, 1, 2), InternalError);
  // A group beyond the outputs too.
  CHECK_THROWS_AS(FlattenForest(trees, 2, 1), InternalError);
}

TEST_CASE("without a usable GPU, device memory calls fail with a clear error", "[unit]") {
  if (DeviceCount() > 0) return;  // covered by the [cuda] tests on a GPU machine
  try {
    DeviceBuffer<float> buffer(16);
    FAIL("expected an error");
  } catch (const Error& e) {  // InvalidInput without CUDA in the build, DeviceError without a GPU
    CHECK_THAT(std::string(e.what()), Contains("device=cpu"));
  }
}
