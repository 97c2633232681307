// engine/src/forest_splitter.h — scikit-learn's node splitting rules for random forests, as a
// SplitFinder for the tree grower (engine/src/tree_grower.h).
//
//   ForestSplitter splitter(ctx, bins, layout, values, labels, rules, stream);
//   GrowResult grown = TreeGrower(ctx, bins, grower_params).Grow(splitter, rows, cancel);
//
// Per node (sklearn/tree/_splitter.pyx BestSplitter, _tree.pyx DepthFirstTreeBuilder): a node
// with fewer than min_samples_split rows, less than 2 x min_weight_leaf weight or a single
// class (a single label value for regression) stays a leaf. Otherwise features are visited in
// a random order drawn for (tree, node); constant features (all rows in one bin) are skipped;
// visiting stops once max_features features were visited and at least one was not constant,
// so more than max_features may be tried when the first ones are constant. The best split of
// the visited features is kept unless its impurity improvement, decrease / W_total, plus
// machine epsilon is below min_impurity_decrease. Histograms are built only for the visited
// features, level by level in bounded chunks, through kernels/subset_histogram.h; splits come
// from kernels/impurity_split.h.
//
// Memory layout (why the forest is fast on large data): at the root the splitter copies each
// in-bag row's bins and values into a packed buffer in the grower's row order, and when a node
// is split it partitions its packed slice the same stable way as the grower partitions row
// indices (the left child's size, which the grower reports, checks that both agree). Every
// node's rows are then one contiguous slice, read front to back by the histogram kernel,
// instead of one cache miss per row and level into the whole matrix. The packed copy costs
// about 2 x (features x bin bytes + pairs x 16 + 8) bytes per in-bag row; above
// `kMaxPackedBytes` the splitter reads the matrix in place instead (same results).
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/src/forest_visit.h"
#include "engine/src/quantize.h"
#include "engine/src/tree_grower.h"
#include "grove/context.h"
#include "kernels/binned_view.h"
#include "kernels/impurity_split.h"

namespace grove {

/// Buffers a ForestSplitter reuses from one tree to the next: a thread grows many trees, and
/// allocating (and page-faulting) tens of megabytes per tree would cost more than small trees.
/// Packed rows come in two halves of `m` rows (the in-bag count): a node's slice lives in one
/// half, and partitioning moves it to the other, so no copy back is needed.
struct ForestWorkspace {
  std::vector<std::uint64_t> words;       // 2m rows of bins, each padded to whole words
  std::vector<GradientSum> values;        // 2m x pairs
  std::vector<std::uint32_t> ids;         // 2m matrix row indices
  std::vector<std::uint8_t> half;         // by slice begin: the half holding the slice
  std::vector<std::uint32_t> positions;   // 0, 1, 2, ...: the packed slices' "row indices"
  std::vector<GradientSum> histograms;   // all zero between calls
  std::vector<std::uint64_t> touched;    // likewise
};

class ForestSplitter final : public SplitFinder {
 public:
  /// `values`: rows x layout.pairs fixed-point channel values (zero for out-of-bag rows).
  /// `labels`: the training labels (regression nodes with one label value stay leaves).
  /// `workspace`: scratch for one tree at a time. Everything referenced must outlive the
  /// splitter.
  ForestSplitter(const Context& ctx, const BinnedMatrix& bins, const ImpurityLayout& layout,
                 std::span<const GradientSum> values, std::span<const float> labels,
                 const ForestSplitRules& rules, std::uint64_t stream, ForestWorkspace& workspace);

  /// The grower's queries must be its row buffer's slices: the first call is the root (all
  /// rows); later nodes are children of nodes this splitter split, each pair in one call.
  void FindSplits(std::span<const SplitQuery> nodes, std::span<SplitCandidate> best) override;

  /// Packed copies above this size are not made (the matrix is read in place).
  static constexpr std::size_t kMaxPackedBytes = std::size_t{1} << 30;

 private:
  struct Pending;
  // A split node whose packed slice is not yet partitioned (its children were not queried).
  struct Unpartitioned {
    std::size_t end = 0;
    SplitCandidate split;
  };
  bool StaysLeaf(const SplitQuery& node, const std::vector<GradientSum>& sum) const;
  void EvaluateChunk(std::span<Pending*> chunk);
  void Pack(std::span<const std::uint32_t> rows);
  std::size_t BeginOf(const SplitQuery& node) const;
  std::size_t PositionOf(std::size_t begin) const;
  void PartitionFor(const SplitQuery& node);
  void PartitionSlice(std::size_t begin, std::size_t end, std::size_t left,
                      const SplitCandidate& split);

  const Context& ctx_;
  const BinnedMatrix& bins_;
  const ImpurityLayout& layout_;
  std::span<const GradientSum> values_;
  std::span<const float> labels_;
  ForestSplitRules rules_;
  std::uint64_t stream_;
  ForestWorkspace& work_;
  BinnedView bin_view_;     // the matrix, or the packed buffer (rows = packed positions)
  CutsView cut_view_;
  bool packed_ = false;
  std::size_t size_ = 0;       // m: in-bag rows, one half of the packed buffers
  std::size_t row_words_ = 0;  // 8-byte words per packed row of bins
  const std::uint32_t* root_rows_ = nullptr;  // the grower's row buffer
  std::size_t root_size_ = 0;
  std::unordered_map<std::size_t, Unpartitioned> unpartitioned_;  // by slice begin
};

}  // namespace grove
