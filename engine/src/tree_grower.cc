#include "engine/src/tree_grower.h"

#include <algorithm>
#include <queue>
#include <utility>

#include "engine/src/binned_views.h"
#include "engine/src/grow_order.h"
#include "engine/src/grow_rules.h"
#include "engine/src/random.h"
#include "kernels/histogram.h"
#include "kernels/partition.h"
#include "kernels/split.h"

namespace grove {
namespace {

using Candidate = detail::GrowNode<std::size_t, std::vector<GradientSum>>;
using detail::MissingBinOf;

class GrowSession {
 public:
  GrowSession(const Context& ctx, const BinnedMatrix& bins, const GrowerParams& params,
              std::span<const GradientSum> gradients, const GradientQuantizer& quantizer,
              std::span<const std::uint32_t> tree_features, std::uint64_t stream,
              const std::atomic<bool>* cancel, HistogramPool* pool)
      : ctx_(ctx), bins_(bins), cuts_(bins.Cuts()), params_(params), gradients_(gradients),
        quantizer_(quantizer), tree_features_(tree_features), stream_(stream), cancel_(cancel),
        bin_view_(BinnedViewOf(bins)), cut_view_(CutsViewOf(bins.Cuts())),
        pool_(pool != nullptr ? *pool : own_pool_) {}

  // A session whose splits come from `finder` (no gradients, no histograms of its own).
  GrowSession(const Context& ctx, const BinnedMatrix& bins, const GrowerParams& params,
              SplitFinder& finder, const std::atomic<bool>* cancel)
      : GrowSession(ctx, bins, params, {}, kNoQuantizer, {}, 0, cancel, nullptr) {
    finder_ = &finder;
  }

  GrowResult Run(std::vector<std::uint32_t> rows) {
    result_.rows = std::move(rows);
    Candidate root;
    root.end = result_.rows.size();
    root.node = result_.tree.AddLeaf(Tree::kNoChild, 0.0f, 0.0f);
    result_.split_bin.push_back(0);
    std::vector<Candidate> level;
    level.push_back(std::move(root));
    if (finder_ == nullptr) {
      BuildHistograms(level, {});
      root_sum_ready_ = true;
      detail::SetRootValue(params_, quantizer_, result_.tree, level.front().sum);
    }
    detail::Grow(params_, std::move(level), *this);
    return std::move(result_);
  }

  // The steps of grow_order.h.
  void CheckCancel() const { detail::ThrowIfCancelled(cancel_); }

  bool MaySplitDeeper(int depth) const { return detail::MaySplitDeeper(params_, depth); }

  void Finalize(Candidate& c) {
    result_.leaves.push_back(LeafRows{c.node, c.begin, c.end});
    pool_.Give(std::move(c.hist));
  }

  // Applies each parent's split to the tree and partitions its rows; returns the children in
  // node order (left, right, left, right, ...).
  std::vector<Candidate> Expand(std::vector<Candidate>& parents) {
    std::vector<PartitionTask> tasks(parents.size());
    for (std::size_t i = 0; i < parents.size(); ++i) {
      const Candidate& p = parents[i];
      const auto f = static_cast<std::uint32_t>(p.split.feature);
      tasks[i].rows = std::span(result_.rows).subspan(p.begin, p.Rows());
      tasks[i].feature = f;
      tasks[i].split = p.split;
      tasks[i].missing_bin = MissingBinOf(cuts_, f);
    }
    PartitionRows(ctx_, bin_view_, tasks);
    std::vector<Candidate> children;
    children.reserve(2 * parents.size());
    for (std::size_t i = 0; i < parents.size(); ++i) {
      const Candidate& p = parents[i];
      const std::int32_t left = detail::ApplySplit(params_, quantizer_, result_.tree,
                                                   result_.split_bin, p.node, p.split, p.sum,
                                                   p.bounds);
      detail::AppendChildren(params_, p, left, p.begin + tasks[i].left_count, children);
    }
    return children;
  }

  void ChildHistograms(std::vector<Candidate>& parents, std::vector<Candidate>& children) {
    if (finder_ == nullptr) BuildChildHistograms(parents, children);
  }

  // Children that may split need histograms: the smaller sibling is built from its rows, the
  // larger one is the parent's histogram minus the smaller one.
  void BuildChildHistograms(std::vector<Candidate>& parents, std::vector<Candidate>& children) {
    const auto siblings = detail::SiblingsToBuild(
        params_, parents, children, [&](Candidate& p) { pool_.Give(std::move(p.hist)); });
    std::vector<Candidate*> to_build;
    for (const auto& pair : siblings) {
      to_build.push_back(pair.smaller);
      pair.larger->hist = std::move(pair.parent->hist);
    }
    std::vector<Candidate> none;
    BuildHistograms(none, to_build);
    for (const auto& pair : siblings) {
      SubtractHistogram(ctx_, pair.larger->hist, pair.smaller->hist, pair.larger->hist);
    }
  }

  void BuildHistograms(std::vector<Candidate>& direct, const std::vector<Candidate*>& pointers) {
    std::vector<Candidate*> all = pointers;
    for (Candidate& c : direct) all.push_back(&c);
    std::vector<HistogramTask> tasks;
    for (Candidate* c : all) {
      c->hist = pool_.Take(cuts_.TotalBins());
      tasks.push_back(
          HistogramTask{std::span<const std::uint32_t>(result_.rows).subspan(c->begin, c->Rows()),
                        c->hist});
    }
    grove::BuildHistograms(ctx_, bin_view_, gradients_, tasks);
    if (!root_sum_ready_) {
      for (Candidate* c : all) c->sum = NodeSum(c->hist);
    }
  }

  GradientSum NodeSum(std::span<const GradientSum> hist) const {
    return detail::NodeSumOf(cuts_, hist);
  }

  std::vector<std::uint32_t> NodeFeatures(const Candidate& c) {
    return sampler_.NodeFeatures(c.node, c.depth, c.path);
  }

  void Evaluate(std::vector<Candidate>& candidates) {
    if (finder_ != nullptr) {
      EvaluateWithFinder(candidates);
      return;
    }
    std::vector<std::vector<std::uint32_t>> features;
    std::vector<SplitTask> tasks;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      Candidate& c = candidates[i];
      if (c.hist.empty() || !MaySplitDeeper(c.depth)) continue;
      features.push_back(NodeFeatures(c));
      index.push_back(i);
    }
    for (std::size_t k = 0; k < index.size(); ++k) {
      const Candidate& c = candidates[index[k]];
      const double parent_gain = detail::ParentGain(params_, quantizer_, c.sum, c.bounds);
      tasks.push_back(SplitTask{c.hist, c.sum, features[k], c.bounds, parent_gain});
    }
    std::vector<SplitCandidate> best(tasks.size());
    EvaluateSplits(ctx_, cut_view_, params_.split, quantizer_, params_.monotone, tasks, best);
    for (std::size_t k = 0; k < index.size(); ++k) candidates[index[k]].split = best[k];
  }

  void EvaluateWithFinder(std::vector<Candidate>& candidates) {
    std::vector<SplitQuery> queries;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const Candidate& c = candidates[i];
      if (!MaySplitDeeper(c.depth)) continue;
      queries.push_back(SplitQuery{
          c.node, c.depth, std::span<const std::uint32_t>(result_.rows).subspan(c.begin, c.Rows())});
      index.push_back(i);
    }
    std::vector<SplitCandidate> best(queries.size());
    finder_->FindSplits(queries, best);
    for (std::size_t k = 0; k < index.size(); ++k) candidates[index[k]].split = best[k];
  }

 private:
  const Context& ctx_;
  const BinnedMatrix& bins_;
  const HistogramCuts& cuts_;
  const GrowerParams& params_;
  std::span<const GradientSum> gradients_;
  const GradientQuantizer& quantizer_;
  std::span<const std::uint32_t> tree_features_;
  std::uint64_t stream_;
  const std::atomic<bool>* cancel_;
  BinnedView bin_view_;
  CutsView cut_view_;
  GrowResult result_;
  detail::FeatureSampler sampler_{tree_features_, params_, stream_, cuts_.NumFeatures()};
  bool root_sum_ready_ = false;
  SplitFinder* finder_ = nullptr;
  HistogramPool own_pool_;
  HistogramPool& pool_;
  static constexpr GradientQuantizer kNoQuantizer{};
};

}  // namespace

std::int32_t GrowResult::LeafOfBinnedRow(const BinnedMatrix& bins, std::size_t row) const {
  const HistogramCuts& cuts = bins.Cuts();
  std::int32_t node = 0;
  while (!tree.IsLeaf(static_cast<std::size_t>(node))) {
    const std::uint32_t f = tree.split_feature[node];
    const std::uint32_t bin = bins.LocalBin(row, f);
    SplitCandidate decision;
    decision.split_bin = split_bin[node];
    decision.missing_left = tree.default_left[node] != 0;
    node = decision.GoesLeft(bin, MissingBinOf(cuts, f)) ? tree.left[node] : tree.right[node];
  }
  return node;
}

std::vector<GradientSum> HistogramPool::Take(std::size_t bins) {
  if (free_.empty()) return std::vector<GradientSum>(bins);
  std::vector<GradientSum> hist = std::move(free_.back());
  free_.pop_back();
  hist.resize(bins);  // contents are stale: the histogram kernel overwrites them
  return hist;
}

void HistogramPool::Give(std::vector<GradientSum>&& hist) {
  if (!hist.empty()) free_.push_back(std::move(hist));
  hist = {};
}

TreeGrower::TreeGrower(const Context& ctx, const BinnedMatrix& bins, GrowerParams params,
                       HistogramPool* pool)
    : ctx_(ctx), bins_(bins), params_(std::move(params)), pool_(pool) {}

GrowResult TreeGrower::Grow(std::span<const GradientSum> gradients,
                            const GradientQuantizer& quantizer, std::vector<std::uint32_t> rows,
                            std::span<const std::uint32_t> tree_features, std::uint64_t stream,
                            const std::atomic<bool>* cancel) const {
  GrowSession session(ctx_, bins_, params_, gradients, quantizer, tree_features, stream, cancel,
                      pool_);
  return session.Run(std::move(rows));
}

GrowResult TreeGrower::Grow(SplitFinder& finder, std::vector<std::uint32_t> rows,
                            const std::atomic<bool>* cancel) const {
  GrowSession session(ctx_, bins_, params_, finder, cancel);
  return session.Run(std::move(rows));
}

}  // namespace grove
