// engine/src/grow_order.h — the order in which a tree grows, shared by the CPU grower
// (tree_grower.cc) and the CUDA grower (cuda_grower.cc): depth-wise (a level at a time) or
// loss-guided (best gain first), children made from a split parent, and the sibling pairs of
// histogram subtraction. The growers supply the work through a `steps` object:
//
//   void CheckCancel();                  // throws GrowCancelled when asked to stop
//   void Finalize(Node& node);           // the node stays a leaf
//   std::vector<Node> Expand(std::vector<Node>& parents);  // split them; children in order
//   void ChildHistograms(std::vector<Node>& parents, std::vector<Node>& children);
//   void Evaluate(std::vector<Node>& nodes);                // best split of each
//
//   Grow(params, std::move(roots), steps);  // evaluates the roots, then grows in params' order
//
// Nodes are GrowNode<row index type, histogram handle>.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/src/grow_rules.h"

namespace grove::detail {

/// What a node's histogram is before it has one: an empty host vector, or pool slot -1.
template <class Hist>
inline const Hist kNoHistogram{};
template <>
inline const int kNoHistogram<int> = -1;

/// A node that may still be split: its tree node, its rows [begin, end) of the grower's row
/// list, their gradient sum, its monotone bounds, the features split on from the root to it
/// (ascending), its histogram (a host vector, or a device pool slot; none when the node cannot
/// be split anyway) and its best split.
template <class Index, class Hist>
struct GrowNode {
  std::int32_t node = 0;
  int depth = 0;
  Index begin = 0;
  Index end = 0;
  GradientSum sum;
  WeightBounds bounds;
  std::vector<std::uint32_t> path;
  Hist hist = kNoHistogram<Hist>;
  SplitCandidate split;
  Index Rows() const { return end - begin; }
};

/// Splits every node of a level that may split, then the next level, until none may.
template <class Node, class Steps>
void GrowDepthwise(const GrowerParams& params, std::vector<Node> level, Steps& steps) {
  std::size_t leaves = 1;
  while (!level.empty()) {
    steps.CheckCancel();
    std::vector<Node> parents;
    for (Node& node : level) {
      if (CanSplit(params, node.split, node.depth, leaves)) {
        ++leaves;  // a split turns one leaf into two
        parents.push_back(std::move(node));
      } else {
        steps.Finalize(node);
      }
    }
    level = steps.Expand(parents);
    steps.ChildHistograms(parents, level);
    steps.Evaluate(level);
  }
}

/// Splits the node with the highest gain first (on equal gain, the one created first).
template <class Node, class Steps>
void GrowLossguide(const GrowerParams& params, std::vector<Node> roots, Steps& steps) {
  const auto after = [](const Node& a, const Node& b) { return LossguideAfter(a, b); };
  std::size_t leaves = 1;
  std::vector<Node> heap = std::move(roots);
  std::make_heap(heap.begin(), heap.end(), after);
  while (!heap.empty()) {
    steps.CheckCancel();
    std::pop_heap(heap.begin(), heap.end(), after);
    Node node = std::move(heap.back());
    heap.pop_back();
    if (!CanSplit(params, node.split, node.depth, leaves)) {
      steps.Finalize(node);
      continue;
    }
    ++leaves;
    std::vector<Node> parents;
    parents.push_back(std::move(node));
    std::vector<Node> children = steps.Expand(parents);
    steps.ChildHistograms(parents, children);
    steps.Evaluate(children);
    for (Node& child : children) {
      heap.push_back(std::move(child));
      std::push_heap(heap.begin(), heap.end(), after);
    }
  }
}

/// Evaluates the roots, then grows loss-guided or depth-wise as `params` says.
template <class Node, class Steps>
void Grow(const GrowerParams& params, std::vector<Node> roots, Steps& steps) {
  steps.Evaluate(roots);
  if (params.lossguide) {
    GrowLossguide(params, std::move(roots), steps);
  } else {
    GrowDepthwise(params, std::move(roots), steps);
  }
}

/// Throws GrowCancelled once `cancel` (may be null) is raised.
inline void ThrowIfCancelled(const std::atomic<bool>* cancel) {
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) throw GrowCancelled{};
}

/// Appends the two children of `parent`, whose split made tree nodes `left` and `left + 1`
/// and whose rows are now [begin, mid) on the left and [mid, end) on the right.
template <class Node>
void AppendChildren(const GrowerParams& params, const Node& parent, std::int32_t left,
                    decltype(Node::begin) mid, std::vector<Node>& children) {
  const SplitCandidate& s = parent.split;
  const std::vector<std::uint32_t> path =
      ChildPath(parent.path, static_cast<std::uint32_t>(s.feature));
  for (int side = 0; side < 2; ++side) {
    Node child;
    child.node = left + side;
    child.depth = parent.depth + 1;
    child.begin = side == 0 ? parent.begin : mid;
    child.end = side == 0 ? mid : parent.end;
    child.sum = side == 0 ? s.left_sum : s.right_sum;
    child.bounds = ChildBounds(params, parent.bounds, s, side == 0);
    child.path = path;
    children.push_back(std::move(child));
  }
}

/// Histogram subtraction's siblings: of two children that may split, the one with fewer rows
/// is built from its rows and the other is their parent's histogram minus it.
template <class Node>
struct Siblings {
  Node* parent;
  Node* smaller;
  Node* larger;
};

/// The siblings of every parent whose children may split (children in Expand's order: left,
/// right, left, right, ...); `stop(parent)` is called for the other parents.
template <class Node, class Stop>
std::vector<Siblings<Node>> SiblingsToBuild(const GrowerParams& params, std::vector<Node>& parents,
                                            std::vector<Node>& children, Stop stop) {
  std::vector<Siblings<Node>> out;
  for (std::size_t i = 0; i < parents.size(); ++i) {
    Node& l = children[2 * i];
    Node& r = children[2 * i + 1];
    if (!MaySplitDeeper(params, l.depth)) {
      stop(parents[i]);
      continue;
    }
    const bool left_smaller = l.Rows() <= r.Rows();
    out.push_back(Siblings<Node>{&parents[i], left_smaller ? &l : &r, left_smaller ? &r : &l});
  }
  return out;
}

}  // namespace grove::detail
