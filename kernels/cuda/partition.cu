// CUDA stable partition of many nodes at once. The nodes' ranges are laid end to end into one
// sequence of `total` positions; a flag kernel marks the rows that go left, one exclusive scan
// over all flags (CUB) gives every row the number of left rows before it, and a scatter writes
// each node's left rows first and its right rows after them, both in their original order,
// into scratch that is then copied back. Only the nodes' left counts come back to the host.
#include <algorithm>
#include <cub/device/device_scan.cuh>

#include "grove/errors.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

constexpr std::uint32_t kThreads = 256;

struct DeviceNode {
  std::uint32_t row_begin;  // in the row index
  std::uint32_t row_count;
  std::uint32_t start;  // in the laid-out sequence
  std::uint32_t feature;
  std::uint32_t split_bin;
  std::uint32_t missing_bin;
  bool missing_left;
};

// The node holding sequence position e: the last node whose start is <= e (nodes with no rows
// share a start with their successor; the search skips them).
__device__ std::uint32_t FindNode(const DeviceNode* nodes, std::uint32_t count, std::uint32_t e) {
  std::uint32_t low = 0;
  std::uint32_t high = count;  // invariant: nodes[low].start <= e < nodes[high].start
  while (high - low > 1) {
    const std::uint32_t mid = low + (high - low) / 2;
    if (nodes[mid].start <= e) {
      low = mid;
    } else {
      high = mid;
    }
  }
  return low;
}

// SplitCandidate::GoesLeft.
__device__ bool GoesLeft(const DeviceNode& node, std::uint32_t bin) {
  if (bin == node.missing_bin) return node.missing_left;
  return node.split_bin != SplitCandidate::kNoBinLeft && bin <= node.split_bin;
}

template <typename BinT>
__global__ void FlagKernel(const BinT* bins, std::size_t features, const std::uint32_t* rows,
                           const DeviceNode* nodes, std::uint32_t count, std::uint32_t total,
                           std::uint32_t* flags) {
  for (std::uint32_t e = blockIdx.x * blockDim.x + threadIdx.x; e < total;
       e += gridDim.x * blockDim.x) {
    const DeviceNode node = nodes[FindNode(nodes, count, e)];
    const std::size_t row = rows[node.row_begin + (e - node.start)];
    flags[e] = GoesLeft(node, bins[row * features + node.feature]) ? 1U : 0U;
  }
}

// `before` is the exclusive scan of the flags, total + 1 entries (the last is all left rows).
__global__ void ScatterKernel(const std::uint32_t* rows, const DeviceNode* nodes,
                              std::uint32_t count, std::uint32_t total, const std::uint32_t* flags,
                              const std::uint32_t* before, std::uint32_t* scratch) {
  for (std::uint32_t e = blockIdx.x * blockDim.x + threadIdx.x; e < total;
       e += gridDim.x * blockDim.x) {
    const DeviceNode node = nodes[FindNode(nodes, count, e)];
    const std::uint32_t local = e - node.start;
    const std::uint32_t left_before = before[e] - before[node.start];
    const std::uint32_t node_left = before[node.start + node.row_count] - before[node.start];
    const std::uint32_t slot = flags[e] != 0 ? left_before : node_left + (local - left_before);
    scratch[node.start + slot] = rows[node.row_begin + local];
  }
}

__global__ void CopyBackKernel(const DeviceNode* nodes, std::uint32_t count, std::uint32_t total,
                               const std::uint32_t* scratch, std::uint32_t* rows) {
  for (std::uint32_t e = blockIdx.x * blockDim.x + threadIdx.x; e < total;
       e += gridDim.x * blockDim.x) {
    const DeviceNode node = nodes[FindNode(nodes, count, e)];
    rows[node.row_begin + (e - node.start)] = scratch[e];
  }
}

__global__ void CountKernel(const DeviceNode* nodes, std::uint32_t count,
                            const std::uint32_t* before, std::uint32_t* left_counts) {
  const std::uint32_t t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= count) return;
  left_counts[t] = before[nodes[t].start + nodes[t].row_count] - before[nodes[t].start];
}

}  // namespace

void PartitionRows(StreamView stream, const BinnedView& bins, std::uint32_t* d_rows,
                   std::span<const PartitionNode> nodes, std::span<std::uint32_t> left_counts) {
  GROVE_CHECK(left_counts.size() == nodes.size(), "one left count per partition node");
  if (nodes.empty()) return;
  const cudaStream_t s = detail::ToCuda(stream);
  std::vector<DeviceNode> h_nodes(nodes.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const PartitionNode& n = nodes[i];
    h_nodes[i] = DeviceNode{n.row_begin,   n.row_count, static_cast<std::uint32_t>(total),
                            n.feature,     n.split_bin, n.missing_bin,
                            n.missing_left};
    total += n.row_count;
  }
  // CUB's scan counts items in int; the row index holds at most that many rows anyway.
  if (total >= static_cast<std::uint64_t>(INT32_MAX)) {
    throw InvalidInput("the CUDA partition handles at most " + std::to_string(INT32_MAX - 1) +
                       " rows per call, got " + std::to_string(total) +
                       "; train on fewer rows or set device=cpu");
  }
  const auto count = static_cast<std::uint32_t>(nodes.size());
  const auto n = static_cast<std::uint32_t>(total);
  const auto d_nodes = detail::Upload(s, std::span<const DeviceNode>(h_nodes));
  detail::ScratchBuffer<std::uint32_t> d_flags(s, std::size_t{n} + 1);
  detail::ScratchBuffer<std::uint32_t> d_before(s, std::size_t{n} + 1);
  detail::ScratchBuffer<std::uint32_t> d_scratch(s, std::max<std::size_t>(n, 1));
  detail::ScratchBuffer<std::uint32_t> d_counts(s, count);
  // The extra last flag is 0, so the scan's last entry is the number of left rows.
  GROVE_CUDA_CHECK(cudaMemsetAsync(d_flags.data() + n, 0, sizeof(std::uint32_t), s));
  const std::uint32_t blocks = GridBlocks(n, kThreads, 65535);
  if (n > 0) {
    if (bins.bins8 != nullptr) {
      FlagKernel<<<blocks, kThreads, 0, s>>>(bins.bins8, bins.features, d_rows, d_nodes.data(),
                                             count, n, d_flags.data());
    } else {
      FlagKernel<<<blocks, kThreads, 0, s>>>(bins.bins16, bins.features, d_rows, d_nodes.data(),
                                             count, n, d_flags.data());
    }
    GROVE_CUDA_CHECK_LAUNCH("FlagKernel");
  }
  detail::WithTempStorage(s, [&](void* temp, std::size_t& bytes) {
    return cub::DeviceScan::ExclusiveSum(temp, bytes, d_flags.data(), d_before.data(),
                                         static_cast<int>(n + 1), s);
  });
  if (n > 0) {
    ScatterKernel<<<blocks, kThreads, 0, s>>>(d_rows, d_nodes.data(), count, n, d_flags.data(),
                                              d_before.data(), d_scratch.data());
    GROVE_CUDA_CHECK_LAUNCH("ScatterKernel");
    CopyBackKernel<<<blocks, kThreads, 0, s>>>(d_nodes.data(), count, n, d_scratch.data(), d_rows);
    GROVE_CUDA_CHECK_LAUNCH("CopyBackKernel");
  }
  CountKernel<<<GridBlocks(count, 128), 128, 0, s>>>(d_nodes.data(), count, d_before.data(),
                                                     d_counts.data());
  GROVE_CUDA_CHECK_LAUNCH("CountKernel");
  GROVE_CUDA_CHECK(cudaMemcpyAsync(left_counts.data(), d_counts.data(),
                                   count * sizeof(std::uint32_t), cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));  // the grower needs the counts for the children
}

}  // namespace grove::cuda_impl
