// kernels/common/flat_node.h — the 16-byte tree node that the CPU and CUDA predictors walk, and
// how one is packed from a tree's node arrays (host side, with the checks both predictors need).
//
//   CheckPredictTree(tree, t);
//   FlatNode node = FlatNodeOf(tree, t, i, cols, leaf_child);
//
// Like XGBoost's RegTree::Node: a split node holds its children (indices within its tree), its
// feature with the default-left flag in the top bit and its float threshold; a leaf holds its
// value in `cond` and `leaf_child` in both child slots (the CPU predictor's leaves point at
// themselves, the CUDA predictor's hold -1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "grove/errors.h"
#include "kernels/predict.h"

namespace grove {

inline constexpr std::uint32_t kDefaultLeftBit = 1U << 31;
inline constexpr std::uint32_t kFeatureMask = kDefaultLeftBit - 1;

struct FlatNode {
  std::int32_t child[2];  ///< left, right within the tree (a leaf: leaf_child twice)
  std::uint32_t feature;  ///< split feature | kDefaultLeftBit when missing values go left
  float cond;             ///< threshold (split) or value (leaf)
};
static_assert(sizeof(FlatNode) == 16);

inline std::string TreeNodeName(std::size_t tree, std::size_t node) {
  return "tree " + std::to_string(tree) + ", node " + std::to_string(node);
}

/// Throws InternalError unless tree `t`'s node arrays have one entry per node and its leaf
/// vectors leaf_size per node.
inline void CheckPredictTree(const cpu_impl::PredictTree& tree, std::size_t t) {
  const std::size_t n = tree.left.size();
  GROVE_CHECK(n > 0, "tree " + std::to_string(t) + " has no nodes");
  GROVE_CHECK(tree.right.size() == n && tree.split_feature.size() == n &&
                  tree.threshold.size() == n && tree.default_left.size() == n &&
                  tree.value.size() == n,
              "tree " + std::to_string(t) + ": node arrays differ in length");
  GROVE_CHECK(tree.leaf_vector.size() == n * tree.leaf_size,
              "tree " + std::to_string(t) + ": leaf_vector size mismatch");
}

/// Node i of tree t (checked by CheckPredictTree) for rows of `cols` columns.
inline FlatNode FlatNodeOf(const cpu_impl::PredictTree& tree, std::size_t t, std::size_t i,
                           std::size_t cols, std::int32_t leaf_child) {
  FlatNode node{{leaf_child, leaf_child}, 0, tree.value[i]};
  if (tree.left[i] == -1) return node;
  const std::size_t n = tree.left.size();
  node.child[0] = tree.left[i];
  node.child[1] = tree.right[i];
  GROVE_CHECK(node.child[0] >= 0 && static_cast<std::size_t>(node.child[0]) < n &&
                  node.child[1] >= 0 && static_cast<std::size_t>(node.child[1]) < n,
              TreeNodeName(t, i) + ": child index out of range");
  GROVE_CHECK(tree.split_feature[i] < cols, TreeNodeName(t, i) + ": split feature out of range");
  node.feature = tree.split_feature[i] | (tree.default_left[i] != 0 ? kDefaultLeftBit : 0U);
  node.cond = tree.threshold[i];
  return node;
}

}  // namespace grove
