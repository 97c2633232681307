// Flattening a forest for the CUDA predictor (see forest_layout.h).
#include "kernels/cuda/forest_layout.h"

#include <string>

#include "grove/errors.h"
#include "kernels/cuda/kernels.h"

namespace grove::cuda_impl {
namespace {

void CheckTree(const cpu_impl::PredictTree& tree, std::size_t t, std::size_t outputs) {
  CheckPredictTree(tree, t);
  GROVE_CHECK(tree.leaf_size == 0
                  ? tree.group >= 0 && static_cast<std::size_t>(tree.group) < outputs
                  : tree.leaf_size == outputs,
              "tree output group or leaf size does not match the number of outputs");
}

}  // namespace

FlatForest FlattenForest(std::span<const cpu_impl::PredictTree> trees, std::size_t cols,
                         std::size_t outputs) {
  GROVE_CHECK(cols <= kFeatureMask, "too many columns for prediction: " + std::to_string(cols));
  FlatForest flat;
  flat.outputs = outputs;
  flat.tree_begin.push_back(0);
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const cpu_impl::PredictTree& tree = trees[t];
    CheckTree(tree, t, outputs);
    for (std::size_t i = 0; i < tree.left.size(); ++i) {
      flat.nodes.push_back(FlatNodeOf(tree, t, i, cols, -1));
    }
    GROVE_CHECK(flat.nodes.size() <= UINT32_MAX, "too many tree nodes for the CUDA predictor");
    flat.tree_begin.push_back(static_cast<std::uint32_t>(flat.nodes.size()));
    flat.tree_group.push_back(tree.group);
    flat.tree_leaf_size.push_back(tree.leaf_size);
    flat.tree_leaf_vector.push_back(flat.leaf_vectors.size());
    flat.leaf_vectors.insert(flat.leaf_vectors.end(), tree.leaf_vector.begin(),
                             tree.leaf_vector.end());
  }
  return flat;
}

// Host code over DeviceBuffer (every build: without CUDA its allocation fails with the stub's
// message; the host emulation's buffers are host memory).
DeviceForest UploadForest(const FlatForest& flat) {
  DeviceForest forest;
  forest.nodes = DeviceBuffer<FlatNode>::FromHost(flat.nodes);
  forest.tree_begin = DeviceBuffer<std::uint32_t>::FromHost(flat.tree_begin);
  forest.tree_group = DeviceBuffer<std::int32_t>::FromHost(flat.tree_group);
  forest.tree_leaf_size = DeviceBuffer<std::uint32_t>::FromHost(flat.tree_leaf_size);
  forest.tree_leaf_vector = DeviceBuffer<std::uint64_t>::FromHost(flat.tree_leaf_vector);
  forest.leaf_vectors = DeviceBuffer<float>::FromHost(flat.leaf_vectors);
  forest.trees = flat.tree_group.size();
  forest.outputs = flat.outputs;
  return forest;
}

}  // namespace grove::cuda_impl
