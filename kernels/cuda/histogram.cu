// CUDA histogram build. Grid: (blocks along the node, feature groups, nodes). Each block keeps
// the histogram of its feature group in shared memory, walks a strided share of the node's
// (row, feature) pairs, adds fixed-point gradients with 64-bit integer atomics, then adds its
// non-zero bins to the node's histogram in global memory, again with integer atomics. Integer
// sums are exact and associative, so the result is the CPU's whatever the block or thread order
// (two's complement wrap-around makes unsigned atomics add signed values correctly).
#include <algorithm>

#include "kernels/cuda/device.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

using Word = unsigned long long;  // atomicAdd's 64-bit type
static_assert(sizeof(GradientSum) == 2 * sizeof(Word));

// Grid dimensions y and z are limited to 65535.
constexpr std::size_t kMaxGridYZ = 65535;

struct DeviceNode {
  std::uint32_t row_begin;
  std::uint32_t row_count;
  Word* histogram;  // 2 words per bin
};

__device__ __forceinline__ void AddPair(Word* slot, const GradientSum& g) {
  atomicAdd(slot, static_cast<Word>(g.grad));
  atomicAdd(slot + 1, static_cast<Word>(g.hess));
}

template <typename BinT, bool kShared>
__global__ void __launch_bounds__(kHistogramThreads)
    HistogramKernel(const BinT* __restrict__ bins, std::size_t features,
                    const std::uint32_t* __restrict__ feature_offsets,
                    const GradientSum* __restrict__ gradients,
                    const std::uint32_t* __restrict__ rows, const DeviceNode* __restrict__ nodes,
                    const FeatureGroup* __restrict__ groups) {
  extern __shared__ Word shared[];
  const FeatureGroup group = groups[blockIdx.y];
  if (kShared != group.shared) return;  // the other kernel instance handles this group
  const DeviceNode node = nodes[blockIdx.z];
  if (kShared) {
    for (std::uint32_t i = threadIdx.x; i < 2 * group.num_bins; i += blockDim.x) shared[i] = 0;
    __syncthreads();
  }
  const std::uint32_t width = group.end_feature - group.first_feature;
  const std::uint64_t items = std::uint64_t{node.row_count} * width;
  const std::uint64_t stride = std::uint64_t{gridDim.x} * blockDim.x;
  for (std::uint64_t i = std::uint64_t{blockIdx.x} * blockDim.x + threadIdx.x; i < items;
       i += stride) {
    const auto r = static_cast<std::uint32_t>(i / width);
    const std::uint32_t f =
        group.first_feature + static_cast<std::uint32_t>(i - std::uint64_t{r} * width);
    const std::size_t row = rows[node.row_begin + r];
    const std::uint32_t bin = feature_offsets[f] + bins[row * features + f];
    const GradientSum g = gradients[row];
    if (kShared) {
      AddPair(shared + 2 * (bin - group.first_bin), g);
    } else {
      AddPair(node.histogram + 2 * std::size_t{bin}, g);
    }
  }
  if (kShared) {
    __syncthreads();
    for (std::uint32_t b = threadIdx.x; b < group.num_bins; b += blockDim.x) {
      const Word grad = shared[2 * b];
      const Word hess = shared[2 * b + 1];
      Word* out = node.histogram + 2 * (std::size_t{group.first_bin} + b);
      if (grad != 0) atomicAdd(out, grad);
      if (hess != 0) atomicAdd(out + 1, hess);
    }
  }
}

__global__ void ZeroKernel(const DeviceNode* nodes, std::size_t words) {
  Word* histogram = nodes[blockIdx.y].histogram;
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < words;
       i += std::size_t{gridDim.x} * blockDim.x) {
    histogram[i] = 0;
  }
}

__global__ void SubtractKernel(const SubtractionTask* tasks, std::size_t bins) {
  const SubtractionTask task = tasks[blockIdx.y];
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < bins;
       i += std::size_t{gridDim.x} * blockDim.x) {
    task.d_out[i] = task.d_parent[i] - task.d_child[i];
  }
}

template <typename BinT>
void Launch(cudaStream_t s, const HistogramPlan& plan, const HistogramBatch& batch,
            const BinT* bins, const DeviceNode* d_nodes, std::size_t nodes, std::uint32_t max_rows,
            const FeatureGroup* d_groups) {
  std::size_t widest_shared = 0;
  std::size_t widest_features = 1;
  bool any_global = false;
  for (const FeatureGroup& g : plan.groups) {
    widest_features = std::max<std::size_t>(widest_features, g.end_feature - g.first_feature);
    if (g.shared) {
      widest_shared = std::max<std::size_t>(widest_shared, g.num_bins * kHistogramEntryBytes);
    } else {
      any_global = true;
    }
  }
  const dim3 grid(
      BlocksPerNode(max_rows, widest_features, nodes, plan.groups.size(), plan.multiprocessors),
      static_cast<unsigned>(plan.groups.size()), static_cast<unsigned>(nodes));
  if (widest_shared > 0) {
    // Above 48 KiB a kernel must opt in to more dynamic shared memory.
    GROVE_CUDA_CHECK(cudaFuncSetAttribute(HistogramKernel<BinT, true>,
                                          cudaFuncAttributeMaxDynamicSharedMemorySize,
                                          static_cast<int>(widest_shared)));
    HistogramKernel<BinT, true><<<grid, kHistogramThreads, widest_shared, s>>>(
        bins, batch.bins.features, batch.bins.feature_offsets, batch.d_gradients, batch.d_rows,
        d_nodes, d_groups);
    GROVE_CUDA_CHECK_LAUNCH("HistogramKernel<shared>");
  }
  if (any_global) {
    HistogramKernel<BinT, false>
        <<<grid, kHistogramThreads, 0, s>>>(bins, batch.bins.features, batch.bins.feature_offsets,
                                            batch.d_gradients, batch.d_rows, d_nodes, d_groups);
    GROVE_CUDA_CHECK_LAUNCH("HistogramKernel<global>");
  }
}

}  // namespace

HistogramPlan MakeHistogramPlan(int ordinal, std::span<const std::uint32_t> h_feature_offsets) {
  const int multiprocessors = detail::DeviceAttribute(cudaDevAttrMultiProcessorCount, ordinal);
  const int shared_optin =
      detail::DeviceAttribute(cudaDevAttrMaxSharedMemoryPerBlockOptin, ordinal);
  HistogramPlan plan;
  plan.multiprocessors = multiprocessors;
  plan.shared_bytes = static_cast<std::size_t>(shared_optin);
  plan.groups = PlanFeatureGroups(h_feature_offsets, plan.shared_bytes);
  plan.total_bins = h_feature_offsets.empty() ? 0 : h_feature_offsets.back();
  return plan;
}

void BuildHistograms(StreamView stream, const HistogramPlan& plan, const HistogramBatch& batch) {
  if (batch.nodes.empty()) return;
  GROVE_CHECK(plan.total_bins == batch.bins.total_bins,
              "histogram plan made for another matrix (" + std::to_string(plan.total_bins) +
                  " bins, the batch has " + std::to_string(batch.bins.total_bins) + ")");
  const cudaStream_t s = detail::ToCuda(stream);
  const auto d_groups = detail::Upload(s, std::span<const FeatureGroup>(plan.groups));
  for (std::size_t first = 0; first < batch.nodes.size(); first += kMaxGridYZ) {
    const std::size_t count = std::min(kMaxGridYZ, batch.nodes.size() - first);
    std::vector<DeviceNode> h_nodes(count);
    std::uint32_t max_rows = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const HistogramNode& node = batch.nodes[first + i];
      h_nodes[i] =
          DeviceNode{node.row_begin, node.row_count, reinterpret_cast<Word*>(node.d_histogram)};
      max_rows = std::max(max_rows, node.row_count);
    }
    const auto d_nodes = detail::Upload(s, std::span<const DeviceNode>(h_nodes));
    const std::size_t words = 2 * std::size_t{plan.total_bins};
    ZeroKernel<<<dim3(GridBlocks(words, 256, 1024), static_cast<unsigned>(count)), 256, 0, s>>>(
        d_nodes.data(), words);
    GROVE_CUDA_CHECK_LAUNCH("ZeroKernel");
    if (plan.groups.empty() || max_rows == 0) continue;
    if (batch.bins.bins8 != nullptr) {
      Launch(s, plan, batch, batch.bins.bins8, d_nodes.data(), count, max_rows, d_groups.data());
    } else {
      Launch(s, plan, batch, batch.bins.bins16, d_nodes.data(), count, max_rows, d_groups.data());
    }
  }
}

void SubtractHistograms(StreamView stream, std::uint32_t total_bins,
                        std::span<const SubtractionTask> tasks) {
  if (tasks.empty() || total_bins == 0) return;
  const cudaStream_t s = detail::ToCuda(stream);
  for (std::size_t first = 0; first < tasks.size(); first += kMaxGridYZ) {
    const std::size_t count = std::min(kMaxGridYZ, tasks.size() - first);
    const auto d_tasks = detail::Upload(s, tasks.subspan(first, count));
    SubtractKernel<<<dim3(GridBlocks(total_bins, 256, 1024), static_cast<unsigned>(count)), 256, 0,
                     s>>>(d_tasks.data(), total_bins);
    GROVE_CUDA_CHECK_LAUNCH("SubtractKernel");
  }
}

}  // namespace grove::cuda_impl
