// kernels/cuda/launch_plan.h — launch geometry of the CUDA kernels, decided on the host
// (host-only, so that it is tested on machines without a GPU).
//
//   std::vector<FeatureGroup> groups = PlanFeatureGroups(h_feature_offsets, 227 * 1024);
//   std::uint32_t x = BlocksPerNode(max_node_rows, features, nodes, groups.size(), 132);
//
// Histograms: consecutive features are grouped so that one group's histogram (16 bytes per
// bin: a fixed-point gradient and hessian) fits in a block's shared memory; a feature whose bins
// alone exceed it forms a group of its own that accumulates in global memory instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace grove::cuda_impl {

/// Bytes of one histogram entry (GradientSum: two int64).
inline constexpr std::size_t kHistogramEntryBytes = 16;

struct FeatureGroup {
  std::uint32_t first_feature = 0;
  std::uint32_t end_feature = 0;  ///< one past the last feature
  std::uint32_t first_bin = 0;    ///< global bin of first_feature's bin 0
  std::uint32_t num_bins = 0;     ///< bins of all the group's features
  bool shared = true;             ///< false: accumulate in global memory

  friend bool operator==(const FeatureGroup&, const FeatureGroup&) = default;
};

/// Groups of consecutive features whose histograms fit in `shared_bytes` (features + 1
/// offsets; a feature with no bins joins its neighbours). Covers every feature exactly once.
std::vector<FeatureGroup> PlanFeatureGroups(std::span<const std::uint32_t> h_feature_offsets,
                                            std::size_t shared_bytes);

/// Blocks along a node for the histogram kernel: enough to give every multiprocessor about
/// kBlocksPerSm blocks over the whole launch, but no block with fewer than kMinItemsPerBlock
/// (row, feature) items. At least 1.
inline constexpr std::uint32_t kHistogramThreads = 256;
inline constexpr std::uint32_t kBlocksPerSm = 4;
inline constexpr std::uint64_t kMinItemsPerBlock = 4096;
std::uint32_t BlocksPerNode(std::uint64_t max_node_rows, std::uint64_t group_features,
                            std::uint64_t nodes, std::uint64_t groups, int multiprocessors);

/// A 1-D grid over n items with `threads` per block, capped at `max_blocks` (grid-stride loops
/// cover the rest). At least 1 block.
std::uint32_t GridBlocks(std::uint64_t n, std::uint32_t threads,
                         std::uint32_t max_blocks = 1U << 20);

}  // namespace grove::cuda_impl
