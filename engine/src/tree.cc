#include "grove/tree.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "grove/errors.h"

namespace grove {

namespace {

// Visits every node reachable from the root as fn(node, depth). Iterative, so that a
// degenerate (chain) tree cannot overflow the call stack; a child out of range or a node
// reached twice (a cycle) is a broken invariant here: trees from files are validated on load.
template <typename Fn>
void WalkFromRoot(const Tree& tree, Fn&& fn) {
  const std::size_t n = tree.NumNodes();
  if (n == 0) return;
  std::vector<std::pair<std::int32_t, int>> stack{{0, 0}};
  std::size_t visited = 0;
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    GROVE_CHECK(++visited <= n, fmt::format("tree with {} nodes has a cycle", n));
    fn(node, depth);
    if (tree.IsLeaf(static_cast<std::size_t>(node))) continue;
    for (const std::int32_t child : {tree.left[node], tree.right[node]}) {
      GROVE_CHECK(child >= 0 && static_cast<std::size_t>(child) < n,
                  fmt::format("node {} has child {} outside [0, {})", node, child, n));
      stack.emplace_back(child, depth + 1);
    }
  }
}

}  // namespace

std::size_t Tree::NumLeaves() const {
  std::size_t leaves = 0;
  WalkFromRoot(*this, [&](std::int32_t node, int) {
    if (IsLeaf(static_cast<std::size_t>(node))) ++leaves;
  });
  return leaves;
}

int Tree::Depth() const {
  int depth = 0;
  WalkFromRoot(*this, [&](std::int32_t, int node_depth) { depth = std::max(depth, node_depth); });
  return depth;
}

std::int32_t Tree::AddLeaf(std::int32_t parent_node, float leaf_value, float hessian_sum) {
  GROVE_CHECK(parent_node == kNoChild ||
                  (parent_node >= 0 && static_cast<std::size_t>(parent_node) < NumNodes()),
              fmt::format("parent {} outside [0, {})", parent_node, NumNodes()));
  const auto index = static_cast<std::int32_t>(NumNodes());
  left.push_back(kNoChild);
  right.push_back(kNoChild);
  parent.push_back(parent_node);
  split_feature.push_back(0);
  threshold.push_back(0.0f);
  default_left.push_back(0);
  value.push_back(leaf_value);
  loss_change.push_back(0.0f);
  sum_hessian.push_back(hessian_sum);
  // Keeps leaf_vector at NumNodes() * leaf_size entries; the caller fills the new leaf's slice.
  leaf_vector.resize(leaf_vector.size() + leaf_size, 0.0f);
  return index;
}

std::int32_t Tree::Split(std::int32_t node, std::uint32_t feature, float split_threshold,
                         bool missing_left, float gain, float left_value, float right_value,
                         float left_hessian, float right_hessian) {
  GROVE_CHECK(node >= 0 && static_cast<std::size_t>(node) < NumNodes(),
              fmt::format("node {} outside [0, {})", node, NumNodes()));
  GROVE_CHECK(IsLeaf(static_cast<std::size_t>(node)), fmt::format("node {} is not a leaf", node));
  const std::int32_t left_child = AddLeaf(node, left_value, left_hessian);
  const std::int32_t right_child = AddLeaf(node, right_value, right_hessian);
  left[node] = left_child;
  right[node] = right_child;
  split_feature[node] = feature;
  threshold[node] = split_threshold;
  default_left[node] = missing_left ? 1 : 0;
  loss_change[node] = gain;
  return left_child;
}

}  // namespace grove
