// tests/engine/model_test_util.h — hand-built models, random models and a scalar reference
// predictor for model_test.cc and model_json_test.cc.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <span>
#include <vector>

#include "grove/dataset.h"
#include "grove/model.h"

namespace grove::test {

/// The depth-2 tree of the unit tests (values are leaf outputs):
///   node 0: f0 < 0.5 (missing left), gain 10, cover 10
///     node 1: f1 < 2 (missing right), gain 4, cover 6
///       node 3: leaf 1     node 4: leaf 2
///     node 2: leaf 3
inline Tree DepthTwoTree() {
  Tree tree;
  tree.AddLeaf(Tree::kNoChild, 0.0f, 10.0f);
  tree.Split(0, 0, 0.5f, true, 10.0f, 0.25f, 3.0f, 6.0f, 4.0f);
  tree.Split(1, 1, 2.0f, false, 4.0f, 1.0f, 2.0f, 2.0f, 4.0f);
  return tree;
}

/// A single-leaf tree.
inline Tree LeafTree(float value) {
  Tree tree;
  tree.AddLeaf(Tree::kNoChild, value, 1.0f);
  return tree;
}

/// A one-output regression model of `trees` (one tree per round).
inline Model MakeModel(std::vector<Tree> trees, std::int32_t num_features, float base = 0.0f) {
  Model model;
  model.num_features = num_features;
  model.base_margin = {base};
  model.tree_group.assign(trees.size(), 0);
  model.trees = std::move(trees);
  return model;
}

/// A random full tree of `depth` on `num_features` features, thresholds in [-1, 1].
inline Tree RandomTree(std::mt19937& rng, int depth, std::uint32_t num_features) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::uniform_int_distribution<std::uint32_t> feature(0, num_features - 1);
  Tree tree;
  tree.AddLeaf(Tree::kNoChild, uniform(rng), 100.0f);
  std::vector<std::int32_t> frontier{0};
  for (int d = 0; d < depth; ++d) {
    std::vector<std::int32_t> next;
    for (const std::int32_t node : frontier) {
      const std::int32_t left = tree.Split(node, feature(rng), uniform(rng), (rng() & 1U) != 0,
                                           std::fabs(uniform(rng)) * 10.0f, uniform(rng),
                                           uniform(rng), 1.0f + std::fabs(uniform(rng)), 2.0f);
      next.push_back(left);
      next.push_back(left + 1);
    }
    frontier = std::move(next);
  }
  return tree;
}

/// rows x cols uniform values in [-1, 1], each missing (NaN) with probability `missing`.
inline DenseMatrix RandomMatrix(std::mt19937& rng, std::size_t rows, std::size_t cols,
                                double missing) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::bernoulli_distribution is_missing(missing);
  DenseMatrix x(rows, cols);
  for (float& v : x.values) v = is_missing(rng) ? kMissing : uniform(rng);
  return x;
}

/// The dense matrix as CSR, NaN entries left out.
inline CsrMatrix ToCsr(const DenseMatrix& x) {
  CsrMatrix csr;
  csr.rows = x.rows;
  csr.cols = x.cols;
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t c = 0; c < x.cols; ++c) {
      if (std::isnan(x.At(r, c))) continue;
      csr.col_index.push_back(static_cast<std::uint32_t>(c));
      csr.values.push_back(x.At(r, c));
    }
    csr.row_ptr.push_back(csr.values.size());
  }
  return csr;
}

/// tree.h's traversal loop, verbatim.
inline int ReferenceLeaf(const Tree& tree, std::span<const float> row) {
  int node = 0;
  while (!tree.IsLeaf(node)) {
    const float x = row[tree.split_feature[node]];
    node = std::isnan(x) ? (tree.default_left[node] ? tree.left[node] : tree.right[node])
                         : (x < tree.threshold[node] ? tree.left[node] : tree.right[node]);
  }
  return node;
}

/// Margins the way XGBoost's CPU predictor forms them: a float starting at the base margin,
/// plus each tree's float leaf value in training order.
inline std::vector<float> ReferenceMargins(const Model& model, const DenseMatrix& x,
                                           std::size_t num_trees) {
  const auto k = static_cast<std::size_t>(model.num_outputs);
  std::vector<float> out(x.rows * k);
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t j = 0; j < k; ++j) out[r * k + j] = model.base_margin[j];
    for (std::size_t t = 0; t < num_trees; ++t) {
      const Tree& tree = model.trees[t];
      const auto leaf = static_cast<std::size_t>(ReferenceLeaf(tree, x.Row(r)));
      if (tree.leaf_size == 0) {
        out[r * k + static_cast<std::size_t>(model.tree_group[t])] += tree.value[leaf];
      } else {
        for (std::size_t j = 0; j < k; ++j) out[r * k + j] += tree.leaf_vector[leaf * k + j];
      }
    }
  }
  return out;
}

inline bool BitIdentical(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace grove::test
