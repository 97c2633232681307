// engine/src/tree_grower.h — grows one regression tree from fixed-point gradients on the
// quantized matrix: histograms, split search and row partitioning through kernels/, in
// depth-wise or loss-guided order.
//
//   TreeGrower grower(ctx, bins, grower_params);
//   GrowResult grown = grower.Grow(gradients, quantizer, rows, tree_features, stream, cancel);
//   // grown.tree: the tree (leaf values already multiplied by eta)
//   // grown.leaves: each leaf's rows, as ranges of grown.rows (for the prediction cache)
//
// Histogram subtraction: of two siblings only the one with fewer rows is built; the other is
// its parent's histogram minus it (exact, since sums are integers).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/src/quantize.h"
#include "grove/context.h"
#include "grove/tree.h"
#include "kernels/common/gradient.h"
#include "kernels/common/split_math.h"
#include "kernels/split.h"

namespace grove {

struct GrowerParams {
  SplitParams split;
  int max_depth = 6;       ///< 0 = unlimited
  int max_leaves = 0;      ///< 0 = unlimited
  bool lossguide = false;  ///< false: depth-wise
  double eta = 0.3;
  double colsample_bylevel = 1.0;
  double colsample_bynode = 1.0;
  std::vector<std::int8_t> monotone;                        ///< per feature, or empty
  std::vector<std::vector<std::uint32_t>> interaction_sets;  ///< empty = unconstrained
};

struct LeafRows {
  std::int32_t node = 0;
  std::size_t begin = 0;  ///< [begin, end) of GrowResult::rows
  std::size_t end = 0;
};

struct GrowResult {
  Tree tree;
  std::vector<std::uint32_t> rows;       ///< the rows the tree was grown on, grouped by leaf
  std::vector<LeafRows> leaves;
  std::vector<std::uint32_t> split_bin;  ///< per node: local split bin (binned traversal)

  /// The leaf a row reaches, following bins instead of float thresholds (same answer for
  /// training rows; used for rows left out by subsampling).
  std::int32_t LeafOfBinnedRow(const BinnedMatrix& bins, std::size_t row) const;
};

/// Thrown out of Grow when the cancellation flag is raised; the booster drops the round.
struct GrowCancelled {};

/// A node the grower asks a SplitFinder about: its rows are `rows` (a range of the grower's
/// row buffer, valid during the call).
struct SplitQuery {
  std::int32_t node = 0;
  int depth = 0;
  std::span<const std::uint32_t> rows;
};

/// Split policy for trees whose node statistics are not one gradient pair (random forests:
/// class weights and impurity criteria). The grower keeps the growth order, partitioning and
/// tree bookkeeping; the finder decides each node's split from the node's rows. It sets
/// `feature` (-1: the node stays a leaf), `split_bin`, `missing_left`, `threshold` and
/// `loss_change` (the priority of best-first growth, stored in Tree::loss_change). Leaf values
/// are left at 0 for the caller to fill from GrowResult::leaves.
class SplitFinder {
 public:
  virtual ~SplitFinder() = default;
  virtual void FindSplits(std::span<const SplitQuery> nodes, std::span<SplitCandidate> best) = 0;
};

/// Histogram buffers handed from node to node and from tree to tree, so that a tree does not
/// allocate and clear a fresh histogram per node (the histogram kernel overwrites them).
/// Not thread-safe: one pool per training loop.
class HistogramPool {
 public:
  std::vector<GradientSum> Take(std::size_t bins);
  void Give(std::vector<GradientSum>&& hist);

 private:
  std::vector<std::vector<GradientSum>> free_;
};

class TreeGrower {
 public:
  /// `pool` (optional) lends the histograms; without one each tree uses its own.
  TreeGrower(const Context& ctx, const BinnedMatrix& bins, GrowerParams params,
             HistogramPool* pool = nullptr);

  /// `gradients`: one fixed-point pair per matrix row (rows outside `rows` are ignored).
  /// `rows`: the rows to grow on (sampled), ascending. `tree_features`: the features of this
  /// tree (colsample_bytree), ascending. `stream`: seeds this tree's column sampling.
  GrowResult Grow(std::span<const GradientSum> gradients, const GradientQuantizer& quantizer,
                  std::vector<std::uint32_t> rows, std::span<const std::uint32_t> tree_features,
                  std::uint64_t stream, const std::atomic<bool>* cancel) const;

  /// Grows a tree whose splits `finder` chooses (GrowerParams: max_depth, max_leaves and
  /// lossguide apply; set split.min_split_loss to -infinity to let the finder alone decide).
  GrowResult Grow(SplitFinder& finder, std::vector<std::uint32_t> rows,
                  const std::atomic<bool>* cancel) const;

 private:
  const Context& ctx_;
  const BinnedMatrix& bins_;
  GrowerParams params_;
  HistogramPool* pool_;
};

}  // namespace grove
