// CUDA random-forest node work: node sums, feature-subset histograms of several fixed-point
// pairs per row, and the impurity split scan. Sums are 64-bit integer atomics (exact and
// associative: two's complement wrap-around adds signed values through unsigned atomics), and
// the scan is kernels/common/impurity_scan.h, the CPU's own code, so the splits are the CPU's.
#include <algorithm>
#include <vector>

#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

using Word = unsigned long long;
static_assert(sizeof(GradientSum) == 2 * sizeof(Word));

constexpr std::uint32_t kThreads = 256;
constexpr std::size_t kMaxGridY = 65535;
// Per-block shared histogram without the opt-in attribute (every target has 48 KiB).
constexpr std::size_t kSharedBytes = 48 * 1024;
// (row, feature) items per histogram block: fewer blocks would leave SMs idle on large nodes,
// more would spend the blocks on clearing and flushing their shared histograms.
constexpr std::uint64_t kItemsPerBlock = 4096;

// ---- node sums -------------------------------------------------------------------------------

__device__ __forceinline__ std::int64_t WarpSum(std::int64_t v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xFFFFFFFFu, v, offset);
  return v;
}

// Grid (blocks along the node, nodes). Pair by pair, each thread adds its strided rows, warps
// reduce, and lane 0 adds the warp's sum to the node's with an atomic.
__global__ void NodeSumKernel(const GradientSum* __restrict__ values, std::size_t pairs,
                              const float* __restrict__ labels,
                              const std::uint32_t* __restrict__ rows,
                              const ForestNodeRows* __restrict__ nodes, Word* sums,
                              std::uint8_t* mixed) {
  const ForestNodeRows node = nodes[blockIdx.y];
  const std::uint32_t stride = gridDim.x * blockDim.x;
  const std::uint32_t first = blockIdx.x * blockDim.x + threadIdx.x;
  Word* out = sums + 2 * pairs * blockIdx.y;
  for (std::size_t k = 0; k < pairs; ++k) {
    std::int64_t grad = 0;
    std::int64_t hess = 0;
    for (std::uint32_t i = first; i < node.row_count; i += stride) {
      const GradientSum v = values[std::size_t{rows[node.row_begin + i]} * pairs + k];
      grad += v.grad;
      hess += v.hess;
    }
    grad = WarpSum(grad);
    hess = WarpSum(hess);
    if ((threadIdx.x & 31U) == 0) {
      if (grad != 0) atomicAdd(out + 2 * k, static_cast<Word>(grad));
      if (hess != 0) atomicAdd(out + 2 * k + 1, static_cast<Word>(hess));
    }
  }
  if (labels != nullptr && node.row_count > 0) {
    const float head = labels[rows[node.row_begin]];
    for (std::uint32_t i = first; i < node.row_count; i += stride) {
      if (labels[rows[node.row_begin + i]] != head) mixed[blockIdx.y] = 1;  // same value: benign
    }
  }
}

// ---- subset histograms -----------------------------------------------------------------------

struct DeviceSplitNode {
  ForestSplitNode node;
  std::uint32_t sum_index;  // the node's sums: node_sums[sum_index * pairs]
  bool shared;              // its histogram fits in kSharedBytes
};

// Grid (blocks along the node, nodes). Items are (row, listed feature); each adds the row's
// pairs to its bin, in shared memory (then flushed) or straight into global memory.
template <typename BinT, bool kShared>
__global__ void __launch_bounds__(kThreads)
    SubsetHistogramKernel(const BinT* __restrict__ bins, std::size_t features,
                          const GradientSum* __restrict__ values, std::size_t pairs,
                          const std::uint32_t* __restrict__ rows,
                          const std::uint32_t* __restrict__ feature_list,
                          const std::uint32_t* __restrict__ slots,
                          const DeviceSplitNode* __restrict__ nodes) {
  extern __shared__ Word shared[];
  const DeviceSplitNode d = nodes[blockIdx.y];
  if (d.shared != kShared) return;  // the other instance handles this node
  const ForestSplitNode& node = d.node;
  const std::uint32_t width = node.num_features;
  const std::uint64_t items = std::uint64_t{node.row_count} * width;
  // The grid is sized for the batch's largest node; a smaller one uses only the blocks it needs
  // (the others leave before clearing a shared histogram they would not fill).
  const auto used = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(gridDim.x, std::max<std::uint64_t>(1, (items + kItemsPerBlock - 1) /
                                                                       kItemsPerBlock)));
  if (blockIdx.x >= used) return;
  const std::size_t words = 2 * pairs * node.histogram_bins;
  if (kShared) {
    for (std::size_t i = threadIdx.x; i < words; i += blockDim.x) shared[i] = 0;
    __syncthreads();
  }
  Word* out = reinterpret_cast<Word*>(node.d_histogram);
  const std::uint64_t stride = std::uint64_t{used} * blockDim.x;
  for (std::uint64_t i = std::uint64_t{blockIdx.x} * blockDim.x + threadIdx.x; i < items;
       i += stride) {
    const auto r = static_cast<std::uint32_t>(i / width);
    const std::uint32_t k = node.feature_begin + static_cast<std::uint32_t>(i - std::uint64_t{r} * width);
    const std::size_t row = rows[node.row_begin + r];
    const std::size_t bin = slots[k] + bins[row * features + feature_list[k]];
    const GradientSum* v = values + row * pairs;
    Word* target = (kShared ? shared : out) + 2 * pairs * bin;
    for (std::size_t p = 0; p < pairs; ++p) {
      if (v[p].grad != 0) atomicAdd(target + 2 * p, static_cast<Word>(v[p].grad));
      if (v[p].hess != 0) atomicAdd(target + 2 * p + 1, static_cast<Word>(v[p].hess));
    }
  }
  if (kShared) {
    __syncthreads();
    for (std::size_t i = threadIdx.x; i < words; i += blockDim.x) {
      if (shared[i] != 0) atomicAdd(out + i, shared[i]);
    }
  }
}

__global__ void ZeroHistogramsKernel(const DeviceSplitNode* nodes, std::size_t pairs) {
  const ForestSplitNode& node = nodes[blockIdx.y].node;
  Word* out = reinterpret_cast<Word*>(node.d_histogram);
  const std::size_t words = 2 * pairs * node.histogram_bins;
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < words;
       i += std::size_t{gridDim.x} * blockDim.x) {
    out[i] = 0;
  }
}

// ---- split scan ------------------------------------------------------------------------------

// One thread per listed feature; `owner[k]`: the batch node of feature k.
template <int kChannels>
__global__ void ImpurityScanKernel(CutsView cuts, ImpurityScanParams params,
                                   const std::uint32_t* __restrict__ feature_list,
                                   const std::uint32_t* __restrict__ slots,
                                   const std::uint32_t* __restrict__ owner,
                                   const DeviceSplitNode* __restrict__ nodes,
                                   const GradientSum* __restrict__ node_sums, std::size_t count,
                                   FeatureSplit* out) {
  const std::size_t k = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x;
  if (k >= count) return;
  const DeviceSplitNode& d = nodes[owner[k]];
  const int pairs = params.pairs;
  const GradientSum* sum = node_sums + static_cast<std::size_t>(d.sum_index) * pairs;
  NodeStats parent_stats;
  FillStats<kChannels>(params, sum, parent_stats);
  const double parent = WeightedImpurity(params.criterion, parent_stats, params.classes);
  const std::uint32_t f = feature_list[k];
  const GradientSum* hist = d.node.d_histogram + std::size_t{slots[k]} * pairs;
  const std::uint32_t bins = cuts.cut_ptrs[f + 1] - cuts.cut_ptrs[f];
  const bool node_has_missing =
      cuts.has_missing[f] != 0 && !EmptyBin(hist + std::size_t{bins} * pairs, pairs);
  std::uint32_t b = 0;
  const auto next = [&]() -> std::uint32_t {
    while (b < bins && EmptyBin(hist + std::size_t{b} * pairs, pairs)) ++b;
    return b < bins ? b++ : kScanEnd;
  };
  FeatureSplit result;
  result.constant =
      ScanImpurityFeature<kChannels>(params, cuts, f, hist, sum, parent, next, node_has_missing,
                                     result.best);
  out[k] = result;
}

template <typename BinT>
void LaunchHistograms(cudaStream_t s, const ForestSplitBatch& batch, const BinT* bins,
                      const DeviceSplitNode* d_nodes, std::size_t count, std::uint64_t max_items,
                      std::size_t shared_bytes, bool any_global, const std::uint32_t* d_features,
                      const std::uint32_t* d_slots) {
  const std::uint32_t blocks = static_cast<std::uint32_t>(
      std::clamp<std::uint64_t>((max_items + kItemsPerBlock - 1) / kItemsPerBlock, 1, 1024));
  const dim3 grid(blocks, static_cast<unsigned>(count));
  const std::size_t pairs = static_cast<std::size_t>(batch.params.pairs);
  if (shared_bytes > 0) {
    SubsetHistogramKernel<BinT, true><<<grid, kThreads, shared_bytes, s>>>(
        bins, batch.bins.features, batch.d_values, pairs, batch.d_rows, d_features, d_slots,
        d_nodes);
    GROVE_CUDA_CHECK_LAUNCH("SubsetHistogramKernel<shared>");
  }
  if (any_global) {
    SubsetHistogramKernel<BinT, false><<<grid, kThreads, 0, s>>>(
        bins, batch.bins.features, batch.d_values, pairs, batch.d_rows, d_features, d_slots,
        d_nodes);
    GROVE_CUDA_CHECK_LAUNCH("SubsetHistogramKernel<global>");
  }
}

}  // namespace

void SumForestNodes(StreamView stream, const GradientSum* d_values, std::size_t pairs,
                    const float* d_labels, const std::uint32_t* d_rows,
                    std::span<const ForestNodeRows> nodes, std::span<GradientSum> h_sums,
                    std::span<std::uint8_t> h_uniform) {
  GROVE_CHECK(h_sums.size() == nodes.size() * pairs &&
                  (d_labels == nullptr || h_uniform.size() == nodes.size()),
              "SumForestNodes: one sum per node and pair, one flag per node");
  if (nodes.empty()) return;
  const cudaStream_t s = detail::ToCuda(stream);
  detail::ScratchBuffer<GradientSum> d_sums(s, h_sums.size());
  detail::ScratchBuffer<std::uint8_t> d_mixed(s, nodes.size());
  GROVE_CUDA_CHECK(cudaMemsetAsync(d_sums.data(), 0, h_sums.size_bytes(), s));
  GROVE_CUDA_CHECK(cudaMemsetAsync(d_mixed.data(), 0, nodes.size(), s));
  for (std::size_t first = 0; first < nodes.size(); first += kMaxGridY) {
    const std::size_t count = std::min(kMaxGridY, nodes.size() - first);
    std::uint32_t max_rows = 0;
    for (std::size_t i = 0; i < count; ++i) max_rows = std::max(max_rows, nodes[first + i].row_count);
    const auto d_nodes = detail::Upload(s, nodes.subspan(first, count));
    const dim3 grid(GridBlocks(max_rows, kThreads, 256), static_cast<unsigned>(count));
    NodeSumKernel<<<grid, kThreads, 0, s>>>(
        d_values, pairs, d_labels, d_rows, d_nodes.data(),
        reinterpret_cast<Word*>(d_sums.data() + first * pairs), d_mixed.data() + first);
    GROVE_CUDA_CHECK_LAUNCH("NodeSumKernel");
  }
  GROVE_CUDA_CHECK(cudaMemcpyAsync(h_sums.data(), d_sums.data(), h_sums.size_bytes(),
                                   cudaMemcpyDeviceToHost, s));
  std::vector<std::uint8_t> mixed(nodes.size());
  GROVE_CUDA_CHECK(
      cudaMemcpyAsync(mixed.data(), d_mixed.data(), mixed.size(), cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));
  if (d_labels != nullptr) {
    for (std::size_t i = 0; i < nodes.size(); ++i) h_uniform[i] = mixed[i] == 0 ? 1 : 0;
  }
}

std::uint64_t ForestScanStackBytes(int ordinal) {
  cudaFuncAttributes two{};
  cudaFuncAttributes any{};
  GROVE_CUDA_CHECK(cudaFuncGetAttributes(&two, ImpurityScanKernel<2>));
  GROVE_CUDA_CHECK(cudaFuncGetAttributes(&any, ImpurityScanKernel<0>));
  const int multiprocessors = detail::DeviceAttribute(cudaDevAttrMultiProcessorCount, ordinal);
  const int threads = detail::DeviceAttribute(cudaDevAttrMaxThreadsPerMultiProcessor, ordinal);
  const std::size_t per_thread = std::max(two.localSizeBytes, any.localSizeBytes);
  return std::uint64_t{per_thread} * static_cast<std::uint64_t>(multiprocessors) *
         static_cast<std::uint64_t>(threads);
}

void FindForestSplits(StreamView stream, const ForestSplitBatch& batch,
                      std::span<FeatureSplit> h_out) {
  GROVE_CHECK(h_out.size() == batch.features.size() && batch.slots.size() == batch.features.size() &&
                  batch.node_sums.size() ==
                      batch.nodes.size() * static_cast<std::size_t>(batch.params.pairs),
              "FindForestSplits: one slot and one result per feature, pairs sums per node");
  if (batch.nodes.empty() || batch.features.empty()) return;
  const cudaStream_t s = detail::ToCuda(stream);
  const std::size_t pairs = static_cast<std::size_t>(batch.params.pairs);
  std::vector<std::uint32_t> owner(batch.features.size());
  std::vector<DeviceSplitNode> all(batch.nodes.size());
  for (std::size_t i = 0; i < batch.nodes.size(); ++i) {
    const ForestSplitNode& n = batch.nodes[i];
    all[i] = DeviceSplitNode{n, static_cast<std::uint32_t>(i),
                             std::size_t{n.histogram_bins} * pairs * kHistogramEntryBytes <=
                                 kSharedBytes};
    std::fill_n(owner.begin() + n.feature_begin, n.num_features, static_cast<std::uint32_t>(i));
  }
  const auto d_features = detail::Upload(s, batch.features);
  const auto d_slots = detail::Upload(s, batch.slots);
  const auto d_owner = detail::Upload(s, std::span<const std::uint32_t>(owner));
  const auto d_sums = detail::Upload(s, batch.node_sums);
  const auto d_all = detail::Upload(s, std::span<const DeviceSplitNode>(all));
  for (std::size_t first = 0; first < all.size(); first += kMaxGridY) {
    const std::size_t count = std::min(kMaxGridY, all.size() - first);
    std::uint64_t max_items = 0;
    std::size_t max_words = 0;
    std::size_t shared_bytes = 0;
    bool any_global = false;
    for (std::size_t i = first; i < first + count; ++i) {
      const ForestSplitNode& n = all[i].node;
      max_items = std::max<std::uint64_t>(max_items, std::uint64_t{n.row_count} * n.num_features);
      const std::size_t words = 2 * pairs * n.histogram_bins;
      max_words = std::max(max_words, words);
      if (all[i].shared) {
        shared_bytes = std::max(shared_bytes, words * sizeof(Word));
      } else {
        any_global = true;
      }
    }
    const DeviceSplitNode* d_nodes = d_all.data() + first;
    ZeroHistogramsKernel<<<dim3(GridBlocks(max_words, kThreads, 1024), static_cast<unsigned>(count)),
                           kThreads, 0, s>>>(d_nodes, pairs);
    GROVE_CUDA_CHECK_LAUNCH("ZeroHistogramsKernel");
    if (max_items == 0) continue;
    if (batch.bins.bins8 != nullptr) {
      LaunchHistograms(s, batch, batch.bins.bins8, d_nodes, count, max_items, shared_bytes,
                       any_global, d_features.data(), d_slots.data());
    } else {
      LaunchHistograms(s, batch, batch.bins.bins16, d_nodes, count, max_items, shared_bytes,
                       any_global, d_features.data(), d_slots.data());
    }
  }
  detail::ScratchBuffer<FeatureSplit> d_out(s, h_out.size());
  const std::size_t count = h_out.size();
  const std::uint32_t blocks = GridBlocks(count, 128, 1U << 20);
  if (batch.params.channels == 2) {
    ImpurityScanKernel<2><<<blocks, 128, 0, s>>>(batch.cuts, batch.params, d_features.data(),
                                                 d_slots.data(), d_owner.data(), d_all.data(),
                                                 d_sums.data(), count, d_out.data());
  } else {
    ImpurityScanKernel<0><<<blocks, 128, 0, s>>>(batch.cuts, batch.params, d_features.data(),
                                                 d_slots.data(), d_owner.data(), d_all.data(),
                                                 d_sums.data(), count, d_out.data());
  }
  GROVE_CUDA_CHECK_LAUNCH("ImpurityScanKernel");
  GROVE_CUDA_CHECK(cudaMemcpyAsync(h_out.data(), d_out.data(), h_out.size_bytes(),
                                   cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));
}

}  // namespace grove::cuda_impl
