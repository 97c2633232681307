// Host-side launch geometry (see launch_plan.h).
#include "kernels/cuda/launch_plan.h"

#include <algorithm>

#include "grove/errors.h"

namespace grove::cuda_impl {

std::vector<FeatureGroup> PlanFeatureGroups(std::span<const std::uint32_t> h_feature_offsets,
                                            std::size_t shared_bytes) {
  GROVE_CHECK(!h_feature_offsets.empty(), "feature offsets need features + 1 entries");
  const std::size_t features = h_feature_offsets.size() - 1;
  const std::size_t capacity = shared_bytes / kHistogramEntryBytes;
  std::vector<FeatureGroup> groups;
  std::size_t f = 0;
  while (f < features) {
    FeatureGroup group;
    group.first_feature = static_cast<std::uint32_t>(f);
    group.first_bin = h_feature_offsets[f];
    const std::size_t own = h_feature_offsets[f + 1] - h_feature_offsets[f];
    if (own > capacity) {
      group.shared = false;  // too wide for shared memory on its own
      ++f;
    } else {
      while (f < features && h_feature_offsets[f + 1] - group.first_bin <= capacity) ++f;
    }
    group.end_feature = static_cast<std::uint32_t>(f);
    group.num_bins = h_feature_offsets[f] - group.first_bin;
    groups.push_back(group);
  }
  return groups;
}

std::uint32_t BlocksPerNode(std::uint64_t max_node_rows, std::uint64_t group_features,
                            std::uint64_t nodes, std::uint64_t groups, int multiprocessors) {
  const std::uint64_t sms = static_cast<std::uint64_t>(std::max(multiprocessors, 1));
  const std::uint64_t target = sms * kBlocksPerSm;
  const std::uint64_t launches = std::max<std::uint64_t>(nodes * groups, 1);
  const std::uint64_t wanted = (target + launches - 1) / launches;
  const std::uint64_t items = max_node_rows * std::max<std::uint64_t>(group_features, 1);
  const std::uint64_t useful = (items + kMinItemsPerBlock - 1) / kMinItemsPerBlock;
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(std::min(wanted, useful), 1, 65535));
}

std::uint32_t GridBlocks(std::uint64_t n, std::uint32_t threads, std::uint32_t max_blocks) {
  const std::uint64_t blocks = (n + threads - 1) / std::max<std::uint32_t>(threads, 1);
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(blocks, 1, max_blocks));
}

}  // namespace grove::cuda_impl
