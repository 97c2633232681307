#include "grove/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "grove/errors.h"

namespace grove {

namespace {

// A child index must name another node of the tree; -1 is only allowed for both children.
void CheckChildren(const Tree& tree, std::size_t t, std::size_t node) {
  const std::int32_t l = tree.left[node];
  const std::int32_t r = tree.right[node];
  if ((l == Tree::kNoChild) != (r == Tree::kNoChild)) {
    throw InvalidInput(fmt::format(
        "tree {}, node {}: left child is {} but right child is {} (a leaf has both -1, a split "
        "node neither)",
        t, node, l, r));
  }
  const auto n = static_cast<std::int64_t>(tree.NumNodes());
  for (const auto& [side, child] : {std::pair{"left", l}, std::pair{"right", r}}) {
    if (child != Tree::kNoChild && (child <= 0 || child >= n)) {
      throw InvalidInput(
          fmt::format("tree {}, node {}: {} child {} is outside [1, {})", t, node, side, child, n));
    }
  }
}

void CheckArrayLengths(const Tree& tree, std::size_t t) {
  const std::size_t n = tree.NumNodes();
  if (n == 0) throw InvalidInput(fmt::format("tree {} has no nodes", t));
  const std::pair<const char*, std::size_t> arrays[] = {
      {"right", tree.right.size()},
      {"parent", tree.parent.size()},
      {"split_feature", tree.split_feature.size()},
      {"threshold", tree.threshold.size()},
      {"default_left", tree.default_left.size()},
      {"value", tree.value.size()},
      {"loss_change", tree.loss_change.size()},
      {"sum_hessian", tree.sum_hessian.size()},
      {"leaf_vector", tree.leaf_vector.size()}};
  for (const auto& [name, size] : arrays) {
    const std::size_t expected = std::string_view(name) == "leaf_vector" ? n * tree.leaf_size : n;
    if (size != expected) {
      throw InvalidInput(
          fmt::format("tree {}: \"{}\" has {} entries, expected {} (\"left\" has {}{})", t, name,
                      size, expected, n,
                      std::string_view(name) == "leaf_vector"
                          ? " and leaf_size is " + std::to_string(tree.leaf_size)
                          : std::string()));
    }
  }
}

// Every node reachable from the root is reached once (no cycle, no shared child), names its
// parent correctly and splits on a feature the model has.
void CheckStructure(const Tree& tree, std::size_t t, std::int32_t num_features) {
  CheckArrayLengths(tree, t);
  if (tree.parent[0] != Tree::kNoChild) {
    throw InvalidInput(
        fmt::format("tree {}: the root's parent is {}, expected -1", t, tree.parent[0]));
  }
  std::vector<std::uint8_t> seen(tree.NumNodes(), 0);
  std::vector<std::int32_t> stack{0};
  seen[0] = 1;
  while (!stack.empty()) {
    const auto node = static_cast<std::size_t>(stack.back());
    stack.pop_back();
    CheckChildren(tree, t, node);
    if (tree.IsLeaf(node)) continue;
    if (tree.split_feature[node] >= static_cast<std::uint32_t>(num_features)) {
      throw InvalidInput(fmt::format("tree {}, node {}: split feature {} is outside [0, {})", t,
                                     node, tree.split_feature[node], num_features));
    }
    for (const std::int32_t child : {tree.left[node], tree.right[node]}) {
      if (seen[child] != 0) {
        throw InvalidInput(fmt::format(
            "tree {}, node {}: child {} is reached twice from the root (a cycle or a shared "
            "child)",
            t, node, child));
      }
      if (tree.parent[child] != static_cast<std::int32_t>(node)) {
        throw InvalidInput(fmt::format("tree {}, node {}: parent is {}, expected {}", t, child,
                                       tree.parent[child], node));
      }
      seen[child] = 1;
      stack.push_back(child);
    }
  }
}

void CheckShape(const Model& model) {
  if (model.num_outputs < 1) {
    throw InvalidInput(fmt::format("num_outputs is {}, expected at least 1", model.num_outputs));
  }
  if (model.num_features < 0) {
    throw InvalidInput(fmt::format("num_features is {}, expected at least 0", model.num_features));
  }
  if (model.trees_per_round < 1) {
    throw InvalidInput(
        fmt::format("trees_per_round is {}, expected at least 1", model.trees_per_round));
  }
  if (model.base_margin.size() != static_cast<std::size_t>(model.num_outputs)) {
    throw InvalidInput(fmt::format("base_margin has {} entries, expected {} (num_outputs)",
                                   model.base_margin.size(), model.num_outputs));
  }
  if (model.tree_group.size() != model.trees.size()) {
    throw InvalidInput(fmt::format("tree_group has {} entries, expected {} (one per tree)",
                                   model.tree_group.size(), model.trees.size()));
  }
  if (model.trees.size() % static_cast<std::size_t>(model.trees_per_round) != 0) {
    throw InvalidInput(fmt::format("{} trees are not a whole number of rounds of {} trees",
                                   model.trees.size(), model.trees_per_round));
  }
  if (model.best_iteration < -1 || model.best_iteration >= model.NumRounds()) {
    throw InvalidInput(fmt::format("best_iteration is {}, expected -1 or a round in [0, {})",
                                   model.best_iteration, model.NumRounds()));
  }
  if (!model.schema.columns.empty() &&
      model.schema.NumFeatures() != static_cast<std::size_t>(model.num_features)) {
    throw InvalidInput(fmt::format("the schema describes {} features but num_features is {}",
                                   model.schema.NumFeatures(), model.num_features));
  }
}

}  // namespace

void Model::Validate() const {
  CheckShape(*this);
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const Tree& tree = trees[t];
    if (tree_group[t] < 0 || tree_group[t] >= num_outputs) {
      throw InvalidInput(fmt::format("tree {}: output group {} is outside [0, {})", t,
                                     tree_group[t], num_outputs));
    }
    if (tree.leaf_size != 0 && tree.leaf_size != static_cast<std::uint32_t>(num_outputs)) {
      throw InvalidInput(fmt::format("tree {}: leaf_size is {}, expected 0 or {} (num_outputs)", t,
                                     tree.leaf_size, num_outputs));
    }
    CheckStructure(tree, t, num_features);
  }
}

std::int32_t Model::NumRounds() const {
  if (trees_per_round < 1) return 0;
  return static_cast<std::int32_t>(trees.size() / static_cast<std::size_t>(trees_per_round));
}

std::int32_t Model::RoundsToUse(const PredictOptions& options) const {
  const std::int32_t rounds = NumRounds();
  if (options.use_best_iteration && best_iteration >= 0) {
    return std::min(best_iteration + 1, rounds);
  }
  return rounds;
}

std::map<std::string, double> Model::FeatureImportance(ImportanceType type) const {
  Validate();
  std::vector<double> count(static_cast<std::size_t>(num_features), 0.0);
  std::vector<double> gain(count.size(), 0.0);
  std::vector<double> cover(count.size(), 0.0);
  // XGBoost's GBTree::FeatureScore walks every tree (not only up to best_iteration) with
  // RegTree::WalkTree: a stack that pushes left then right. Same order, same double sums.
  for (const Tree& tree : trees) {
    std::vector<std::int32_t> stack{0};
    while (!stack.empty()) {
      const auto node = static_cast<std::size_t>(stack.back());
      stack.pop_back();
      if (tree.IsLeaf(node)) continue;
      const std::uint32_t f = tree.split_feature[node];
      count[f] += 1.0;
      gain[f] += tree.loss_change[node];
      cover[f] += tree.sum_hessian[node];
      stack.push_back(tree.left[node]);
      stack.push_back(tree.right[node]);
    }
  }
  const std::vector<std::string> names =
      schema.columns.empty() ? std::vector<std::string>{} : schema.FeatureNames();
  std::map<std::string, double> scores;
  for (std::size_t f = 0; f < count.size(); ++f) {
    if (count[f] == 0.0) continue;
    double score = 0.0;
    switch (type) {
      case ImportanceType::kWeight:
        score = count[f];
        break;
      case ImportanceType::kGain:
        score = gain[f] / count[f];
        break;
      case ImportanceType::kCover:
        score = cover[f] / count[f];
        break;
      case ImportanceType::kTotalGain:
        score = gain[f];
        break;
      case ImportanceType::kTotalCover:
        score = cover[f];
        break;
    }
    scores[names.empty() ? fmt::format("f{}", f) : names[f]] = score;
  }
  return scores;
}

}  // namespace grove
