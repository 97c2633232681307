// kernels/partition.h — splitting a node's rows between its two children.
//
//   PartitionTask task{node_rows, feature, decision, missing_bin};
//   PartitionRows(ctx, bins, std::span(&task, 1));
//   // node_rows now holds the left child's rows first (task.left_count of them), then the
//   // right child's; each side keeps the original relative order (stable).
//
// Stability makes the row order, and so everything computed from it, independent of the
// thread count. Cost: O(rows) per task.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "grove/context.h"
#include "kernels/binned_view.h"
#include "kernels/split.h"

namespace grove {

struct PartitionTask {
  std::span<std::uint32_t> rows;  ///< in: the node's rows; out: left rows, then right rows
  std::uint32_t feature = 0;
  SplitCandidate split;           ///< split_bin and missing_left decide the side
  std::uint32_t missing_bin = SplitCandidate::kNoBinLeft;  ///< the feature's missing bin
  std::size_t left_count = 0;     ///< out
};

void PartitionRows(const Context& ctx, const BinnedView& bins, std::span<PartitionTask> tasks);

namespace cpu_impl {
void PartitionRows(const Context& ctx, const BinnedView& bins, std::span<PartitionTask> tasks);
}  // namespace cpu_impl

}  // namespace grove
