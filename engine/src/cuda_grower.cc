#include "engine/src/cuda_grower.h"

#include <algorithm>
#include <utility>

#include "engine/src/grow_order.h"
#include "engine/src/grow_rules.h"

namespace grove {

int DeviceHistogramPool::Take() {
  if (free_.empty()) {
    slots_.emplace_back(total_bins_);
    return static_cast<int>(slots_.size() - 1);
  }
  const int slot = free_.back();
  free_.pop_back();
  return slot;  // stale contents: BuildHistograms overwrites them
}

void DeviceHistogramPool::Give(int slot) {
  if (slot >= 0) free_.push_back(slot);
}

void DeviceHistogramPool::GiveAll() {
  free_.clear();
  // Highest slot first on the free list, so that Take hands out slot 0 first.
  for (int s = static_cast<int>(slots_.size()) - 1; s >= 0; --s) free_.push_back(s);
}

namespace {

// A node that may still be split; its histogram is a slot of the device pool.
using Node = DeviceGrowNode;

class CudaGrowSession {
 public:
  CudaGrowSession(const CudaTreeInputs& in, const GrowerParams& params,
                  const GradientQuantizer& quantizer, std::span<const std::uint32_t> tree_features,
                  std::uint64_t stream, const std::atomic<bool>* cancel)
      : in_(in),
        cuts_(*in.cuts),
        params_(params),
        quantizer_(quantizer),
        cancel_(cancel),
        pool_(*in.histograms),
        sampler_(tree_features, params, stream, in.cuts->NumFeatures()) {}

  CudaGrowResult Run() {
    pool_.GiveAll();
    Node root;
    root.end = in_.rows;
    root.node = result_.tree.AddLeaf(Tree::kNoChild, 0.0f, 0.0f);
    split_bin_.push_back(0);
    root.hist = pool_.Take();
    std::vector<Node*> build{&root};
    BuildHistograms(build);
    root.sum = RootSum(root.hist);
    detail::SetRootValue(params_, quantizer_, result_.tree, root.sum);
    std::vector<Node> level;
    level.push_back(std::move(root));
    detail::Grow(params_, std::move(level), *this);
    return std::move(result_);
  }

  // The steps of grow_order.h.
  void CheckCancel() const { detail::ThrowIfCancelled(cancel_); }

  void Finalize(Node& c) {
    result_.leaves.push_back(LeafRows{c.node, c.begin, c.end});
    pool_.Give(std::exchange(c.hist, -1));
  }

  std::vector<Node> Expand(std::vector<Node>& parents) {
    return ExpandOnDevice(in_.stream, in_.bins, in_.d_rows, cuts_, params_, quantizer_,
                          result_.tree, split_bin_, parents);
  }

  // Children that may split need histograms: the smaller sibling is built from its rows (one
  // call for all of them), the larger one is its parent's histogram minus the smaller one,
  // computed in the parent's slot (one call for all of them).
  void ChildHistograms(std::vector<Node>& parents, std::vector<Node>& children) {
    const auto siblings = detail::SiblingsToBuild(
        params_, parents, children, [&](Node& p) { pool_.Give(std::exchange(p.hist, -1)); });
    std::vector<Node*> to_build;
    for (const auto& pair : siblings) {
      pair.smaller->hist = pool_.Take();
      pair.larger->hist = std::exchange(pair.parent->hist, -1);
      to_build.push_back(pair.smaller);
    }
    BuildHistograms(to_build);
    std::vector<cuda_impl::SubtractionTask> tasks;
    tasks.reserve(siblings.size());
    for (const auto& pair : siblings) {
      GradientSum* parent = pool_.Data(pair.larger->hist);
      tasks.push_back(cuda_impl::SubtractionTask{parent, pool_.Data(pair.smaller->hist), parent});
    }
    cuda_impl::SubtractHistograms(in_.stream, in_.plan->total_bins, tasks);
  }

  void BuildHistograms(const std::vector<Node*>& nodes) {
    if (nodes.empty()) return;
    std::vector<cuda_impl::HistogramNode> batch;
    batch.reserve(nodes.size());
    for (const Node* c : nodes) {
      batch.push_back(cuda_impl::HistogramNode{c->begin, c->Rows(), pool_.Data(c->hist)});
    }
    cuda_impl::BuildHistograms(in_.stream, *in_.plan,
                               cuda_impl::HistogramBatch{in_.bins, in_.d_fixed, in_.d_rows, batch});
  }

  // The root's sum: its histogram's bins of feature 0 (detail::NodeSumOf), copied back.
  GradientSum RootSum(int slot) {
    if (cuts_.NumFeatures() == 0) return GradientSum{};
    const std::size_t entries =
        cuts_.FeatureOffset(0) + cuts_.NumBins(0) + (cuts_.HasMissing(0) ? 1U : 0U);
    std::vector<GradientSum> head(entries);
    cuda_impl::CopyToHostOn(in_.stream, head.data(), pool_.Data(slot),
                            entries * sizeof(GradientSum));  // syncs
    return detail::NodeSumOf(cuts_, head);
  }

  // Best split of every node that may split, in one EvaluateSplits call.
  void Evaluate(std::vector<Node>& candidates) {
    std::vector<std::size_t> index;
    std::vector<std::uint32_t> flat;  // every node's candidate features, back to back
    std::vector<std::size_t> first;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const Node& c = candidates[i];
      if (c.hist < 0 || !detail::MaySplitDeeper(params_, c.depth)) continue;
      const std::vector<std::uint32_t> features = sampler_.NodeFeatures(c.node, c.depth, c.path);
      index.push_back(i);
      first.push_back(flat.size());
      flat.insert(flat.end(), features.begin(), features.end());
    }
    if (index.empty()) return;
    first.push_back(flat.size());
    std::uint32_t* d_features = in_.d_features->Reserve(std::max<std::size_t>(flat.size(), 1));
    cuda_impl::CopyToDeviceOn(in_.stream, d_features, flat.data(),
                              flat.size() * sizeof(std::uint32_t));
    std::vector<cuda_impl::SplitNode> nodes(index.size());
    for (std::size_t k = 0; k < index.size(); ++k) {
      const Node& c = candidates[index[k]];
      nodes[k].d_histogram = pool_.Data(c.hist);
      nodes[k].node_sum = c.sum;
      nodes[k].d_features = d_features + first[k];
      nodes[k].num_features = static_cast<std::uint32_t>(first[k + 1] - first[k]);
      nodes[k].bounds = c.bounds;
      nodes[k].parent_gain = detail::ParentGain(params_, quantizer_, c.sum, c.bounds);
    }
    SplitCandidate* d_best = in_.d_best->Reserve(index.size());
    cuda_impl::EvaluateSplits(
        in_.stream, cuda_impl::SplitBatch{in_.d_cuts, params_.split, quantizer_, params_.monotone,
                                          nodes, d_best});
    std::vector<SplitCandidate> best(index.size());
    cuda_impl::CopyToHostOn(in_.stream, best.data(), d_best,
                            best.size() * sizeof(SplitCandidate));  // syncs
    for (std::size_t k = 0; k < index.size(); ++k) candidates[index[k]].split = best[k];
  }

 private:
  const CudaTreeInputs& in_;
  const HistogramCuts& cuts_;
  const GrowerParams& params_;
  const GradientQuantizer& quantizer_;
  const std::atomic<bool>* cancel_;
  DeviceHistogramPool& pool_;
  detail::FeatureSampler sampler_;
  CudaGrowResult result_;
  std::vector<std::uint32_t> split_bin_;
};

}  // namespace

std::vector<DeviceGrowNode> ExpandOnDevice(cuda_impl::StreamView stream, const BinnedView& d_bins,
                                           std::uint32_t* d_rows, const HistogramCuts& cuts,
                                           const GrowerParams& params,
                                           const GradientQuantizer& quantizer, Tree& tree,
                                           std::vector<std::uint32_t>& split_bin,
                                           std::vector<DeviceGrowNode>& parents) {
  std::vector<cuda_impl::PartitionNode> tasks(parents.size());
  for (std::size_t i = 0; i < parents.size(); ++i) {
    const DeviceGrowNode& p = parents[i];
    const auto f = static_cast<std::uint32_t>(p.split.feature);
    tasks[i] = cuda_impl::PartitionNode{p.begin,
                                        p.Rows(),
                                        f,
                                        p.split.split_bin,
                                        detail::MissingBinOf(cuts, f),
                                        p.split.missing_left};
  }
  std::vector<std::uint32_t> left_counts(parents.size());
  cuda_impl::PartitionRows(stream, d_bins, d_rows, tasks, left_counts);  // syncs
  std::vector<DeviceGrowNode> children;
  children.reserve(2 * parents.size());
  for (std::size_t i = 0; i < parents.size(); ++i) {
    const DeviceGrowNode& p = parents[i];
    const std::int32_t left =
        detail::ApplySplit(params, quantizer, tree, split_bin, p.node, p.split, p.sum, p.bounds);
    detail::AppendChildren(params, p, left, p.begin + left_counts[i], children);
  }
  return children;
}

CudaGrowResult GrowTreeOnDevice(const CudaTreeInputs& in, const GrowerParams& params,
                                const GradientQuantizer& quantizer,
                                std::span<const std::uint32_t> tree_features, std::uint64_t stream,
                                const std::atomic<bool>* cancel) {
  CudaGrowSession session(in, params, quantizer, tree_features, stream, cancel);
  return session.Run();
}

}  // namespace grove
