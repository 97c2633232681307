// Flattening a forest for the CUDA predictor (see forest_layout.h).
#include "kernels/cuda/forest_layout.h"

#include <string>

#include "grove/errors.h"

namespace grove::cuda_impl {
namespace {

std::string Where(std::size_t tree, std::size_t node) {
  return "tree " + std::to_string(tree) + ", node " + std::to_string(node);
}

void CheckTree(const cpu_impl::PredictTree& tree, std::size_t t, std::size_t outputs) {
  const std::size_t n = tree.left.size();
  GROVE_CHECK(n > 0, "tree " + std::to_string(t) + " has no nodes");
  GROVE_CHECK(tree.right.size() == n && tree.split_feature.size() == n &&
                  tree.threshold.size() == n && tree.default_left.size() == n &&
                  tree.value.size() == n,
              "tree " + std::to_string(t) + ": node arrays differ in length");
  GROVE_CHECK(tree.leaf_vector.size() == n * tree.leaf_size,
              "tree " + std::to_string(t) + ": leaf_vector size mismatch");
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
    const std::size_t n = tree.left.size();
    for (std::size_t i = 0; i < n; ++i) {
      FlatNode node{{-1, -1}, 0, tree.value[i]};
      if (tree.left[i] != -1) {
        node.child[0] = tree.left[i];
        node.child[1] = tree.right[i];
        GROVE_CHECK(node.child[0] >= 0 && static_cast<std::size_t>(node.child[0]) < n &&
                        node.child[1] >= 0 && static_cast<std::size_t>(node.child[1]) < n,
                    Where(t, i) + ": child index out of range");
        GROVE_CHECK(tree.split_feature[i] < cols, Where(t, i) + ": split feature out of range");
        node.feature = tree.split_feature[i] | (tree.default_left[i] != 0 ? kDefaultLeftBit : 0U);
        node.cond = tree.threshold[i];
      }
      flat.nodes.push_back(node);
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

}  // namespace grove::cuda_impl
