// CUDA batch prediction and prediction-cache updates. One thread per row walks every tree in
// order and adds each leaf in float, exactly the additions of kernels/cpu/predict.cc (rows are
// independent, so there is nothing to reorder).
#include <algorithm>

#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

constexpr std::uint32_t kThreads = 128;

struct ForestView {
  const FlatNode* nodes;
  const std::uint32_t* tree_begin;
  const std::int32_t* tree_group;
  const std::uint32_t* tree_leaf_size;
  const std::uint64_t* tree_leaf_vector;
  const float* leaf_vectors;
  std::size_t trees;
  std::size_t outputs;
};

// Row r's value of `feature` in a CSR matrix (column indices strictly increasing within a row):
// binary search; an absent entry is missing (NaN), as on the CPU.
__device__ float CsrValue(const DeviceMatrix& x, std::size_t r, std::uint32_t feature) {
  std::uint64_t lo = x.d_row_ptr[r];
  std::uint64_t hi = x.d_row_ptr[r + 1];
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    const std::uint32_t c = x.d_col_index[mid];
    if (c == feature) return x.d_values[mid];
    if (c < feature) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return __int_as_float(0x7fc00000);  // quiet NaN
}

// Row r's value of `feature`, either layout.
__device__ float ValueAt(const DeviceMatrix& x, std::size_t r, std::uint32_t feature) {
  return x.d_dense != nullptr ? x.d_dense[r * x.row_stride + feature] : CsrValue(x, r, feature);
}

// The leaf (node index within the tree) that row r reaches: x < threshold goes left, NaN
// follows the default direction (NaN < t is false, as on the CPU).
__device__ std::int32_t LeafOf(const FlatNode* tree, const DeviceMatrix& x, std::size_t r) {
  std::int32_t n = 0;
  while (tree[n].child[0] >= 0) {
    const FlatNode node = tree[n];
    const float v = ValueAt(x, r, node.feature & kFeatureMask);
    const bool go_left = v < node.cond || (isnan(v) && (node.feature & kDefaultLeftBit) != 0);
    n = node.child[go_left ? 0 : 1];
  }
  return n;
}

__global__ void PredictKernel(ForestView forest, DeviceMatrix x, const float* base_margin,
                              float* out) {
  const std::size_t k = forest.outputs;
  for (std::size_t r = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; r < x.rows;
       r += std::size_t{gridDim.x} * blockDim.x) {
    float* margins = out + r * k;
    for (std::size_t j = 0; j < k; ++j) margins[j] = base_margin != nullptr ? base_margin[j] : 0.0f;
    for (std::size_t t = 0; t < forest.trees; ++t) {
      const FlatNode* tree = forest.nodes + forest.tree_begin[t];
      const std::int32_t leaf = LeafOf(tree, x, r);
      if (forest.tree_leaf_size[t] == 0) {
        margins[forest.tree_group[t]] += tree[leaf].cond;
      } else {
        const float* values =
            forest.leaf_vectors + forest.tree_leaf_vector[t] + static_cast<std::size_t>(leaf) * k;
        for (std::size_t j = 0; j < k; ++j) margins[j] += values[j];
      }
    }
  }
}

__global__ void LeavesKernel(ForestView forest, DeviceMatrix x, float* out) {
  for (std::size_t r = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; r < x.rows;
       r += std::size_t{gridDim.x} * blockDim.x) {
    for (std::size_t t = 0; t < forest.trees; ++t) {
      const FlatNode* tree = forest.nodes + forest.tree_begin[t];
      out[r * forest.trees + t] = static_cast<float>(LeafOf(tree, x, r));
    }
  }
}

// One tree's leaf value for row r.
__device__ float TreeLeafValue(const FlatNode* tree, const DeviceMatrix& x, std::size_t r) {
  return tree[LeafOf(tree, x, r)].cond;
}

// engine/src/predict_views.h's AddTreeMargins: the kernel's row starts at 0.0f and gets the
// leaf, then the cache adds that sum (0.0f + leaf: the same bits, -0 included).
__global__ void AddTreeKernel(const FlatNode* tree, DeviceMatrix x, int outputs, int output,
                              float* margins) {
  for (std::size_t r = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; r < x.rows;
       r += std::size_t{gridDim.x} * blockDim.x) {
    const float contribution = 0.0f + TreeLeafValue(tree, x, r);
    margins[r * static_cast<std::size_t>(outputs) + static_cast<std::size_t>(output)] +=
        contribution;
  }
}

__global__ void AddColumnKernel(const float* contribution, std::size_t rows, int outputs,
                                int output, float* margins) {
  for (std::size_t r = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; r < rows;
       r += std::size_t{gridDim.x} * blockDim.x) {
    const std::size_t i = r * static_cast<std::size_t>(outputs) + static_cast<std::size_t>(output);
    margins[i] += contribution[i];
  }
}

__global__ void LeafSegmentKernel(const std::uint32_t* rows, const LeafSegment* leaves, int outputs,
                                  int output, float* margins) {
  const LeafSegment leaf = leaves[blockIdx.y];
  for (std::uint32_t k = leaf.begin + blockIdx.x * blockDim.x + threadIdx.x; k < leaf.end;
       k += gridDim.x * blockDim.x) {
    margins[std::size_t{rows[k]} * outputs + output] += leaf.value;
  }
}

ForestView ViewOf(const DeviceForest& forest) {
  return ForestView{forest.nodes.data(),
                    forest.tree_begin.data(),
                    forest.tree_group.data(),
                    forest.tree_leaf_size.data(),
                    forest.tree_leaf_vector.data(),
                    forest.leaf_vectors.data(),
                    forest.trees,
                    forest.outputs};
}

}  // namespace

void PredictMargins(StreamView stream, const DeviceForest& forest, const DeviceMatrix& x,
                    const float* d_base_margin, float* d_out) {
  if (x.rows == 0) return;
  const cudaStream_t s = detail::ToCuda(stream);
  PredictKernel<<<GridBlocks(x.rows, kThreads), kThreads, 0, s>>>(ViewOf(forest), x,
                                                                  d_base_margin, d_out);
  GROVE_CUDA_CHECK_LAUNCH("PredictKernel");
}

void PredictMargins(StreamView stream, const DeviceForest& forest, const float* d_x,
                    std::size_t rows, std::size_t cols, std::size_t row_stride,
                    const float* d_base_margin, float* d_out) {
  DeviceMatrix x;
  x.rows = rows;
  x.cols = cols;
  x.d_dense = d_x;
  x.row_stride = row_stride;
  PredictMargins(stream, forest, x, d_base_margin, d_out);
}

void PredictLeaves(StreamView stream, const DeviceForest& forest, const DeviceMatrix& x,
                   float* d_out) {
  if (x.rows == 0 || forest.trees == 0) return;
  const cudaStream_t s = detail::ToCuda(stream);
  LeavesKernel<<<GridBlocks(x.rows, kThreads), kThreads, 0, s>>>(ViewOf(forest), x, d_out);
  GROVE_CUDA_CHECK_LAUNCH("LeavesKernel");
}

void AddColumn(StreamView stream, const float* d_contribution, std::size_t rows, int outputs,
               int output, float* d_margins) {
  if (rows == 0) return;
  const cudaStream_t s = detail::ToCuda(stream);
  AddColumnKernel<<<GridBlocks(rows, 256), 256, 0, s>>>(d_contribution, rows, outputs, output,
                                                        d_margins);
  GROVE_CUDA_CHECK_LAUNCH("AddColumnKernel");
}

void AddTreeMargins(StreamView stream, std::span<const FlatNode> h_tree, const DeviceMatrix& x,
                    int outputs, int output, float* d_margins) {
  if (x.rows == 0 || h_tree.empty()) return;
  const cudaStream_t s = detail::ToCuda(stream);
  const auto d_tree = detail::Upload(s, h_tree);
  AddTreeKernel<<<GridBlocks(x.rows, kThreads), kThreads, 0, s>>>(d_tree.data(), x, outputs,
                                                                  output, d_margins);
  GROVE_CUDA_CHECK_LAUNCH("AddTreeKernel");
}

void UpdatePredictionCache(StreamView stream, const std::uint32_t* d_rows,
                           std::span<const LeafSegment> leaves, int outputs, int output,
                           float* d_margins) {
  if (leaves.empty()) return;
  const cudaStream_t s = detail::ToCuda(stream);
  std::uint32_t widest = 1;
  for (const LeafSegment& leaf : leaves) widest = std::max(widest, leaf.end - leaf.begin);
  constexpr std::size_t kMaxGridY = 65535;
  // Every leaf gets the blocks of the widest (its loop strides over the rest), so the blocks
  // per leaf shrink as leaves grow in number: about kBlockBudget blocks in all, at least one a
  // leaf (many small leaves and one large one would otherwise launch millions of empty blocks).
  constexpr std::uint32_t kBlockBudget = 1U << 16;
  for (std::size_t first = 0; first < leaves.size(); first += kMaxGridY) {
    const std::size_t count = std::min(kMaxGridY, leaves.size() - first);
    const auto per_leaf =
        static_cast<std::uint32_t>(std::clamp<std::size_t>(kBlockBudget / count, 1, 4096));
    const auto d_leaves = detail::Upload(s, leaves.subspan(first, count));
    LeafSegmentKernel<<<dim3(GridBlocks(widest, 256, per_leaf), static_cast<unsigned>(count)), 256,
                        0, s>>>(d_rows, d_leaves.data(), outputs, output, d_margins);
    GROVE_CUDA_CHECK_LAUNCH("LeafSegmentKernel");
  }
}

}  // namespace grove::cuda_impl
