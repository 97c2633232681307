#include "kernels/predict.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "kernels/common/flat_node.h"

namespace grove::cpu_impl {

namespace {

// XGBoost's CPU predictor also walks blocks of 64 rows tree by tree: one tree's nodes stay in
// cache while the block's rows go through it.
constexpr std::size_t kBlockRows = 64;
// Gathered rows (CSR, strided dense) are staged in at most this many floats per thread, so a
// very wide input shrinks the block instead of allocating 64 huge rows.
constexpr std::size_t kStageFloats = std::size_t{1} << 16;
// 16 bytes per node (kernels/common/flat_node.h).
using PackedNode = FlatNode;

struct PackedForest {
  std::vector<PackedNode> nodes;
  std::vector<std::size_t> begin;  // first node of each tree in `nodes`

  const PackedNode* Tree(std::size_t t) const { return nodes.data() + begin[t]; }
};

PackedForest Pack(std::span<const PredictTree> trees, std::size_t cols) {
  GROVE_CHECK(cols <= kFeatureMask, "too many columns for prediction: " + std::to_string(cols));
  PackedForest forest;
  std::size_t total = 0;
  for (const PredictTree& tree : trees) total += tree.left.size();
  forest.nodes.reserve(total);
  forest.begin.reserve(trees.size());
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const PredictTree& tree = trees[t];
    CheckPredictTree(tree, t);
    forest.begin.push_back(forest.nodes.size());
    for (std::size_t i = 0; i < tree.left.size(); ++i) {
      // A leaf points at itself both ways, so rows that reach it early simply stay there
      // while the other rows of their lane group finish (see TraverseBlock).
      forest.nodes.push_back(FlatNodeOf(tree, t, i, cols, static_cast<std::int32_t>(i)));
    }
  }
  return forest;
}

// Rows go through a tree kLanes at a time, one level per step for all of them: the lanes are
// independent, so the CPU overlaps their load-compare-select chains. Each step is branch-free
// because with real splits the direction is close to a coin flip, and a mispredicted branch
// per level costs more than the step. NaN < t is false, so "go left" is x < t, or x missing
// with default_left. Leaves loop to themselves; a group stops when no lane moved.
constexpr std::size_t kLanes = 8;

template <std::size_t kCount>
inline void TraverseLanes(const PackedNode* tree, const float* const* rows, std::int32_t* leaves) {
  std::int32_t n[kCount] = {};
  bool moved = true;
  while (moved) {
    moved = false;
    for (std::size_t j = 0; j < kCount; ++j) {
      const PackedNode& node = tree[n[j]];
      const float x = rows[j][node.feature & kFeatureMask];
      const bool go_left = (x < node.cond) | (std::isnan(x) & ((node.feature >> 31) != 0));
      const std::int32_t next = node.child[go_left ? 0 : 1];
      moved |= next != n[j];
      n[j] = next;
    }
  }
  for (std::size_t j = 0; j < kCount; ++j) leaves[j] = n[j];
}

// leaves[i] = the leaf that row i (< n) reaches in `tree`.
void TraverseBlock(const PackedNode* tree, const float* const* rows, std::size_t n,
                   std::int32_t* leaves) {
  if (tree[0].child[0] == 0) {  // a single leaf: nothing to read (the input may have 0 columns)
    std::fill(leaves, leaves + n, 0);
    return;
  }
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) TraverseLanes<kLanes>(tree, rows + i, leaves + i);
  for (; i < n; ++i) TraverseLanes<1>(tree, rows + i, leaves + i);
}

// Per-thread staging rows for inputs that cannot be read in place. Kept all-NaN between
// blocks: a CSR row writes its present entries and erases exactly those afterwards, so a wide
// sparse input costs O(nnz), not O(rows * cols).
class RowStage {
 public:
  RowStage(const PredictInput& x, std::size_t block_rows)
      : x_(x), buffer_(block_rows * x.cols, std::numeric_limits<float>::quiet_NaN()) {}

  // Points rows[i] at row `first + i`'s features, i < n.
  void Load(std::size_t first, std::size_t n, const float** rows) {
    for (std::size_t i = 0; i < n; ++i) {
      float* slot = buffer_.data() + i * x_.cols;
      const std::size_t r = first + i;
      if (!x_.is_csr) {
        const float* base = x_.dense + r * x_.row_stride;
        for (std::size_t c = 0; c < x_.cols; ++c) slot[c] = base[c * x_.col_stride];
      } else {
        for (std::uint64_t k = x_.row_ptr[r]; k < x_.row_ptr[r + 1]; ++k) {
          GROVE_CHECK(x_.col_index[k] < x_.cols, "CSR column index out of range");
          slot[x_.col_index[k]] = x_.values[k];
        }
      }
      rows[i] = slot;
    }
  }

  void Unload(std::size_t first, std::size_t n) {
    if (!x_.is_csr) return;  // dense staging is overwritten in full by the next Load
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (std::size_t i = 0; i < n; ++i) {
      float* slot = buffer_.data() + i * x_.cols;
      const std::size_t r = first + i;
      for (std::uint64_t k = x_.row_ptr[r]; k < x_.row_ptr[r + 1]; ++k) slot[x_.col_index[k]] = nan;
    }
  }

 private:
  PredictInput x_;
  std::vector<float> buffer_;
};

// Calls block_fn(first_row, n, rows) for consecutive blocks of rows, in parallel; rows[i] holds
// row first_row + i's features as a contiguous array of x.cols floats.
template <typename BlockFn>
void ForEachRowBlock(const PredictInput& x, int nthread, BlockFn&& block_fn) {
  const bool in_place = !x.is_csr && x.col_stride == 1;
  const std::size_t block_rows =
      in_place
          ? kBlockRows
          : std::clamp<std::size_t>(kStageFloats / std::max<std::size_t>(x.cols, 1), 1, kBlockRows);
  const std::size_t num_blocks = (x.rows + block_rows - 1) / block_rows;
  tbb::enumerable_thread_specific<RowStage> stages(x, in_place ? 0 : block_rows);
  auto body = [&](const tbb::blocked_range<std::size_t>& range) {
    const float* rows[kBlockRows];
    for (std::size_t b = range.begin(); b != range.end(); ++b) {
      const std::size_t first = b * block_rows;
      const std::size_t n = std::min(block_rows, x.rows - first);
      if (in_place) {
        for (std::size_t i = 0; i < n; ++i) rows[i] = x.dense + (first + i) * x.row_stride;
        block_fn(first, n, rows);
      } else {
        RowStage& stage = stages.local();
        stage.Load(first, n, rows);
        block_fn(first, n, rows);
        stage.Unload(first, n);
      }
    }
  };
  tbb::task_arena arena(nthread > 0 ? nthread : tbb::task_arena::automatic);
  arena.execute([&] { tbb::parallel_for(tbb::blocked_range<std::size_t>(0, num_blocks), body); });
}

}  // namespace

void PredictMargins(std::span<const PredictTree> trees, const PredictInput& x,
                    std::span<const float> base_margin, int nthread, std::span<float> out) {
  const std::size_t k = base_margin.size();
  GROVE_CHECK(out.size() == x.rows * k, "margin buffer has the wrong size");
  for (const PredictTree& tree : trees) {
    GROVE_CHECK(tree.leaf_size == 0 ? tree.group >= 0 && static_cast<std::size_t>(tree.group) < k
                                    : tree.leaf_size == k,
                "tree output group or leaf size does not match the number of outputs");
  }
  const PackedForest forest = Pack(trees, x.cols);
  ForEachRowBlock(x, nthread, [&](std::size_t first, std::size_t n, const float* const* rows) {
    float* block_out = out.data() + first * k;
    for (std::size_t i = 0; i < n; ++i)
      std::copy(base_margin.begin(), base_margin.end(), block_out + i * k);
    std::int32_t leaves[kBlockRows];
    for (std::size_t t = 0; t < trees.size(); ++t) {
      const PackedNode* tree = forest.Tree(t);
      TraverseBlock(tree, rows, n, leaves);
      if (trees[t].leaf_size == 0) {
        float* column = block_out + trees[t].group;
        for (std::size_t i = 0; i < n; ++i) column[i * k] += tree[leaves[i]].cond;
      } else {
        const float* leaf_vector = trees[t].leaf_vector.data();
        for (std::size_t i = 0; i < n; ++i) {
          const float* leaf = leaf_vector + static_cast<std::size_t>(leaves[i]) * k;
          for (std::size_t j = 0; j < k; ++j) block_out[i * k + j] += leaf[j];
        }
      }
    }
  });
}

void PredictLeaves(std::span<const PredictTree> trees, const PredictInput& x, int nthread,
                   std::span<float> out) {
  const std::size_t num_trees = trees.size();
  GROVE_CHECK(out.size() == x.rows * num_trees, "leaf buffer has the wrong size");
  const PackedForest forest = Pack(trees, x.cols);
  ForEachRowBlock(x, nthread, [&](std::size_t first, std::size_t n, const float* const* rows) {
    float* block_out = out.data() + first * num_trees;
    std::int32_t leaves[kBlockRows];
    for (std::size_t t = 0; t < num_trees; ++t) {
      TraverseBlock(forest.Tree(t), rows, n, leaves);
      for (std::size_t i = 0; i < n; ++i)
        block_out[i * num_trees + t] = static_cast<float>(leaves[i]);
    }
  });
}

}  // namespace grove::cpu_impl
