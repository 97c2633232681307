// kernels/cuda/memory_estimate.h — device memory a GPU training job needs, and the check that
// refuses a job that does not fit before anything is allocated (host-only: every build has it).
//
//   TrainingShape shape{.rows = 10'000'000, .features = 28, .total_bins = 7'168};
//   MemoryEstimate need = EstimateTrainingMemory(shape);
//   CheckDeviceMemory(need, info.free_bytes, "cuda:0 (NVIDIA H200)");   // throws InvalidInput
//
// The estimate adds up the buffers the CUDA backend keeps resident for a job (the quantized
// matrix, labels, weights, prediction caches, gradients in float and fixed point, the row index
// and its partition scratch, the histograms of two tree levels, the split scratch, the metric
// scratch of the largest evaluated set (transformed predictions, AUC's sort and sweep buffers)
// and the evaluation sets' features, labels, weights and caches) plus a fixed reserve for CUB's
// temporary storage and allocator slack. It is an upper bound for those buffers, not a measurement.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace grove::cuda_impl {

struct TrainingShape {
  std::uint64_t rows = 0;  ///< training rows
  std::uint64_t features = 0;
  std::uint64_t total_bins = 0;     ///< histogram entries of one node (all features)
  std::uint32_t bytes_per_bin = 1;  ///< 1 (<= 256 bins per feature) or 2
  std::uint32_t outputs = 1;        ///< margins per row: classes for multi-class, else 1
  bool weighted = false;
  std::uint32_t max_depth = 6;   ///< depthwise: nodes per level <= 2^(max_depth - 1)
  std::uint32_t max_leaves = 0;  ///< > 0 caps the nodes per level as well
  std::uint64_t eval_rows = 0;   ///< rows of the evaluation sets other than the training set
  std::uint64_t eval_feature_bytes = 0;  ///< their features as uploaded (dense floats or CSR)
  std::uint64_t metric_rows = 0;  ///< rows of the largest set evaluated (0: none is evaluated)
};

struct MemoryPart {
  std::string name;
  std::uint64_t bytes = 0;
};

struct MemoryEstimate {
  std::vector<MemoryPart> parts;  ///< largest first
  std::uint64_t total_bytes = 0;
};

/// Random forests on the GPU: a tree's nodes are searched in batches of at most this many
/// subset-histogram entries (GradientSums) and listed features (a single node may exceed them).
inline constexpr std::uint64_t kForestBatchEntries = std::uint64_t{1} << 24;
inline constexpr std::uint64_t kForestBatchFeatures = std::uint64_t{1} << 20;

struct ForestShape {
  std::uint64_t rows = 0;  ///< training rows
  std::uint64_t features = 0;
  std::uint64_t total_bins = 0;
  std::uint32_t bytes_per_bin = 1;
  std::uint32_t pairs = 1;           ///< fixed-point pairs per row (channels / 2, rounded up)
  std::uint64_t max_features = 1;    ///< features a node tries per batch
  std::uint64_t widest_feature = 1;  ///< bins of the widest feature, its missing bin included
  /// Local memory the driver sets aside for the split scan kernel's per-thread stack, for every
  /// thread the device can hold at once (ForestScanStackBytes; 0 in host-only tests).
  std::uint64_t scan_stack_bytes = 0;
};

/// Reserve for CUB temporary storage, launch bookkeeping and allocator rounding.
inline constexpr std::uint64_t kMemoryReserveBytes = std::uint64_t{128} << 20;

MemoryEstimate EstimateTrainingMemory(const TrainingShape& shape);

/// The same for a random forest (algorithm=random_forest): the quantized matrix and labels, one
/// tree's in-bag values and row index with its partition scratch, one split batch's histograms
/// and results, the cuts, the split scan's stack and the reserve.
MemoryEstimate EstimateForestMemory(const ForestShape& shape);

/// "3.25 GiB" style, two decimals.
std::string FormatGiB(std::uint64_t bytes);

/// Throws InvalidInput when need.total_bytes > free_bytes: "device <device> cannot hold this
/// training job: it needs X GiB of device memory, Y GiB are free (largest parts: ...); ..."
void CheckDeviceMemory(const MemoryEstimate& need, std::uint64_t free_bytes,
                       std::string_view device);

}  // namespace grove::cuda_impl
