// kernels/cuda/forest_layout.h — a tree ensemble flattened for the CUDA prediction kernel
// (host-only: packing and its checks run and are tested without a GPU).
//
//   FlatForest flat = FlattenForest(trees, cols, outputs);   // trees: cpu_impl::PredictTree
//   DeviceForest d_forest = UploadForest(flat);                // kernels.h
//
// One 16-byte node per tree node, trees back to back: a split node holds its children (indices
// within its tree), its feature with the default-left flag in the top bit and its float
// threshold; a leaf has child[0] == -1 and its value in `cond`. Leaf vectors (multi-output
// leaves) are concatenated per tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/common/flat_node.h"
#include "kernels/predict.h"

namespace grove::cuda_impl {

// FlatNode (kernels/common/flat_node.h); here a leaf's children are -1.

struct FlatForest {
  std::vector<FlatNode> nodes;
  std::vector<std::uint32_t> tree_begin;        ///< trees + 1 entries into nodes
  std::vector<std::int32_t> tree_group;         ///< output of scalar leaves
  std::vector<std::uint32_t> tree_leaf_size;    ///< 0, or outputs for leaf vectors
  std::vector<std::uint64_t> tree_leaf_vector;  ///< first float of each tree's leaf vectors
  std::vector<float> leaf_vectors;
  std::size_t outputs = 1;
};

/// Checks every tree as cpu_impl::PredictMargins does (GROVE_CHECK: InternalError on a broken
/// tree) and flattens them in order.
FlatForest FlattenForest(std::span<const cpu_impl::PredictTree> trees, std::size_t cols,
                         std::size_t outputs);

}  // namespace grove::cuda_impl
