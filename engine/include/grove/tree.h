// grove/tree.h — one regression tree as flat arrays (no pointers), the layout every backend,
// the predictor and the model files share.
//
//   const grove::Tree& tree = model.Trees()[0];
//   int node = 0;
//   while (!tree.IsLeaf(node)) {
//     const float x = row[tree.split_feature[node]];
//     node = std::isnan(x) ? (tree.default_left[node] ? tree.left[node] : tree.right[node])
//                          : (x < tree.threshold[node] ? tree.left[node] : tree.right[node]);
//   }
//   float contribution = tree.value[node];
//
// Node 0 is the root. For a split node: x < threshold goes left, NaN follows default_left.
// `value` holds the leaf output (learning rate already applied) for leaves and the node's
// weight for split nodes (XGBoost's `base_weights`, used by exporters and SHAP-style tools).
// `leaf_vector` is non-empty only for forests whose leaves hold class probability vectors:
// node i's vector is leaf_vector[i * leaf_size, (i + 1) * leaf_size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace grove {

struct Tree {
  static constexpr std::int32_t kNoChild = -1;

  std::vector<std::int32_t> left;            ///< left child, kNoChild for a leaf
  std::vector<std::int32_t> right;           ///< right child, kNoChild for a leaf
  std::vector<std::int32_t> parent;          ///< parent, kNoChild for the root
  std::vector<std::uint32_t> split_feature;  ///< feature index (0 for leaves)
  std::vector<float> threshold;              ///< x < threshold goes left (0 for leaves)
  std::vector<std::uint8_t> default_left;    ///< 1: missing values go left
  std::vector<float> value;                  ///< leaf output / split node weight
  std::vector<float> loss_change;            ///< split gain (0 for leaves)
  std::vector<float> sum_hessian;            ///< cover: hessian (or weight) sum in the node
  std::uint32_t leaf_size = 0;               ///< forests: values per leaf; 0 = scalar leaves
  std::vector<float> leaf_vector;

  std::size_t NumNodes() const { return left.size(); }
  bool IsLeaf(std::size_t node) const { return left[node] == kNoChild; }
  std::size_t NumLeaves() const;
  int Depth() const;

  /// Appends a leaf and returns its index.
  std::int32_t AddLeaf(std::int32_t parent_node, float leaf_value, float hessian_sum);
  /// Turns leaf `node` into a split with two new leaf children; returns the left child's index
  /// (the right child is the next index).
  std::int32_t Split(std::int32_t node, std::uint32_t feature, float split_threshold,
                     bool missing_left, float gain, float left_value, float right_value,
                     float left_hessian, float right_hessian);

  friend bool operator==(const Tree&, const Tree&) = default;
};

}  // namespace grove
