#include "engine/src/cuda_forest.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "engine/src/cuda_options.h"
#include "engine/src/grow_order.h"
#include "engine/src/grow_rules.h"
#include "grove/errors.h"
#include "grove/log.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/memory_estimate.h"

namespace grove {
namespace {

// A node that may still be split; forests keep no histogram between levels (handle unused).
using Node = DeviceGrowNode;

// A node whose features are still being visited.
struct Pending {
  std::size_t index = 0;  // into the candidates of the Evaluate call
  std::vector<GradientSum> sum;
  FeatureVisit visit;
};

class ForestTreeSession {
 public:
  ForestTreeSession(cuda_impl::StreamView stream, const BinnedMatrix& bins,
                    const DeviceBinnedMatrix& matrix, const GrowerParams& params,
                    const ImpurityLayout& layout, const ForestSplitRules& rules,
                    std::uint64_t tree_stream, const GradientSum* d_values, const float* d_labels,
                    std::uint32_t* d_rows, GrowingBuffer<GradientSum>& histograms,
                    const std::atomic<bool>* cancel)
      : stream_(stream),
        cuts_(bins.Cuts()),
        d_bins_(matrix.Bins()),
        d_cuts_(matrix.Cuts()),
        params_(params),
        layout_(layout),
        rules_(rules),
        scan_(ImpurityScanParamsOf(layout, rules.leaf)),
        tree_stream_(tree_stream),
        d_values_(d_values),
        d_labels_(d_labels),
        d_rows_(d_rows),
        histograms_(histograms),
        cancel_(cancel) {}

  GrowResult Run(std::uint32_t rows) {
    Node root;
    root.end = rows;
    root.node = result_.tree.AddLeaf(Tree::kNoChild, 0.0f, 0.0f);
    result_.split_bin.push_back(0);
    std::vector<Node> level;
    level.push_back(std::move(root));
    detail::Grow(params_, std::move(level), *this);
    return std::move(result_);
  }

  // The steps of grow_order.h, as TreeGrower's with a SplitFinder.
  void CheckCancel() const { detail::ThrowIfCancelled(cancel_); }

  void Finalize(Node& c) { result_.leaves.push_back(LeafRows{c.node, c.begin, c.end}); }

  std::vector<Node> Expand(std::vector<Node>& parents) {
    return ExpandOnDevice(stream_, d_bins_, d_rows_, cuts_, params_, kNoQuantizer, result_.tree,
                          result_.split_bin, parents);
  }

  void ChildHistograms(std::vector<Node>& /*parents*/, std::vector<Node>& /*children*/) {}

  // ForestSplitter::FindSplits for the candidates that may split deeper.
  void Evaluate(std::vector<Node>& candidates) {
    std::vector<std::size_t> index;
    std::vector<cuda_impl::ForestNodeRows> ranges;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (!detail::MaySplitDeeper(params_, candidates[i].depth)) continue;
      candidates[i].split = SplitCandidate{};
      index.push_back(i);
      ranges.push_back(cuda_impl::ForestNodeRows{candidates[i].begin, candidates[i].Rows()});
    }
    if (index.empty()) return;
    const std::size_t pairs = layout_.pairs;
    std::vector<GradientSum> sums(index.size() * pairs);
    std::vector<std::uint8_t> uniform(index.size());
    const bool regression = layout_.criterion == Criterion::kSquaredError;
    cuda_impl::SumForestNodes(stream_, d_values_, pairs, regression ? d_labels_ : nullptr, d_rows_,
                              ranges, sums, uniform);  // syncs
    const std::size_t features = cuts_.NumFeatures();
    std::vector<Pending> pending;
    for (std::size_t k = 0; k < index.size(); ++k) {
      const Node& c = candidates[index[k]];
      const GradientSum* sum = sums.data() + k * pairs;
      if (features == 0 ||
          ForestNodeStaysLeaf(layout_, rules_, c.Rows(), sum, [&] { return uniform[k] != 0; })) {
        continue;
      }
      Pending p;
      p.index = index[k];
      p.sum.assign(sum, sum + pairs);
      p.visit = FeatureVisit(features, tree_stream_, c.node);
      pending.push_back(std::move(p));
    }
    std::vector<Pending*> active;
    for (Pending& p : pending) active.push_back(&p);
    while (!active.empty()) {
      CheckCancel();
      for (Pending* p : active) p->visit.NextBatch(rules_.max_features);
      std::size_t begin = 0;
      while (begin < active.size()) {
        std::size_t end = begin;
        std::uint64_t entries = 0;
        std::uint64_t listed = 0;
        while (end < active.size()) {
          const std::uint64_t size = BinsOf(active[end]->visit.Batch()) * pairs;
          const std::uint64_t count = active[end]->visit.Batch().size();
          if (end > begin && (entries + size > cuda_impl::kForestBatchEntries ||
                              listed + count > cuda_impl::kForestBatchFeatures)) {
            break;
          }
          entries += size;
          listed += count;
          ++end;
        }
        RunBatch(candidates, std::span(active).subspan(begin, end - begin), entries);
        begin = end;
      }
      std::erase_if(active, [](const Pending* p) { return p->visit.Done(); });
    }
    for (const Pending& p : pending) {
      if (KeepForestSplit(p.visit.Best(), rules_)) candidates[p.index].split = p.visit.Best();
    }
  }

 private:
  // Bins of the listed features, missing bins included (the subset histogram's layout).
  std::uint64_t BinsOf(std::span<const std::uint32_t> features) const {
    std::uint64_t bins = 0;
    for (const std::uint32_t f : features)
      bins += cuts_.FeatureOffset(f + 1) - cuts_.FeatureOffset(f);
    return bins;
  }

  void RunBatch(const std::vector<Node>& candidates, std::span<Pending*> chunk,
                std::uint64_t entries) {
    const std::size_t pairs = layout_.pairs;
    GradientSum* d_histograms = histograms_.Reserve(std::max<std::uint64_t>(entries, 1));
    std::vector<std::uint32_t> features;
    std::vector<std::uint32_t> slots;
    std::vector<GradientSum> sums;
    std::vector<cuda_impl::ForestSplitNode> nodes;
    std::uint64_t offset = 0;
    for (const Pending* p : chunk) {
      const Node& c = candidates[p->index];
      cuda_impl::ForestSplitNode n;
      n.row_begin = c.begin;
      n.row_count = c.Rows();
      n.feature_begin = static_cast<std::uint32_t>(features.size());
      std::uint32_t slot = 0;
      for (const std::uint32_t f : p->visit.Batch()) {
        features.push_back(f);
        slots.push_back(slot);
        slot += cuts_.FeatureOffset(f + 1) - cuts_.FeatureOffset(f);
      }
      n.num_features = static_cast<std::uint32_t>(p->visit.Batch().size());
      n.histogram_bins = slot;
      n.d_histogram = d_histograms + offset;
      offset += std::uint64_t{slot} * pairs;
      sums.insert(sums.end(), p->sum.begin(), p->sum.end());
      nodes.push_back(n);
    }
    cuda_impl::ForestSplitBatch batch;
    batch.bins = d_bins_;
    batch.cuts = d_cuts_;
    batch.params = scan_;
    batch.d_values = d_values_;
    batch.d_rows = d_rows_;
    batch.features = features;
    batch.slots = slots;
    batch.node_sums = sums;
    batch.nodes = nodes;
    std::vector<FeatureSplit> results(features.size());
    cuda_impl::FindForestSplits(stream_, batch, results);  // syncs
    std::size_t next = 0;
    for (Pending* p : chunk) {
      const std::size_t n = p->visit.Batch().size();
      p->visit.Take(std::span<const FeatureSplit>(results).subspan(next, n), rules_.max_features);
      next += n;
    }
  }

  static constexpr GradientQuantizer kNoQuantizer{};
  cuda_impl::StreamView stream_;
  const HistogramCuts& cuts_;
  BinnedView d_bins_;
  CutsView d_cuts_;
  const GrowerParams& params_;
  const ImpurityLayout& layout_;
  const ForestSplitRules& rules_;
  ImpurityScanParams scan_;
  std::uint64_t tree_stream_;
  const GradientSum* d_values_;
  const float* d_labels_;
  std::uint32_t* d_rows_;
  GrowingBuffer<GradientSum>& histograms_;
  const std::atomic<bool>* cancel_;
  GrowResult result_;
};

}  // namespace

CudaForestSession::CudaForestSession(const Context& ctx, const BinnedMatrix& bins,
                                     std::span<const float> labels, const ImpurityLayout& layout,
                                     int max_features)
    : ordinal_(ctx.device.ordinal),
      bins_(bins),
      pairs_(layout.pairs),
      regression_(layout.criterion == Criterion::kSquaredError),
      // Batches hold at most kForestBatchEntries entries unless one node alone needs more: the
      // buffer stays within the estimate's max(kForestBatchEntries, one node).
      histograms_(cuda_impl::kForestBatchEntries) {
  CheckCudaRows(bins.Rows());
  const cuda_impl::DeviceGuard guard(ordinal_);
  const HistogramCuts& cuts = bins.Cuts();
  cuda_impl::ForestShape shape;
  shape.rows = bins.Rows();
  shape.features = bins.Features();
  shape.total_bins = cuts.TotalBins();
  shape.bytes_per_bin = bins.IsNarrow() ? 1 : 2;
  shape.pairs = static_cast<std::uint32_t>(layout.pairs);
  shape.max_features = static_cast<std::uint64_t>(std::max(max_features, 1));
  for (std::size_t f = 0; f < cuts.NumFeatures(); ++f) {
    shape.widest_feature = std::max<std::uint64_t>(
        shape.widest_feature, cuts.FeatureOffset(f + 1) - cuts.FeatureOffset(f));
  }
  shape.scan_stack_bytes = cuda_impl::ForestScanStackBytes(ordinal_);
  const cuda_impl::MemoryEstimate need = cuda_impl::EstimateForestMemory(shape);
  const std::uint64_t free_bytes = cuda_impl::RequireDeviceMemory(ordinal_, need);
  Log(LogLevel::kInfo,
      fmt::format("{}: this job needs {} of device memory; {} are free", ctx.device.ToString(),
                  cuda_impl::FormatGiB(need.total_bytes), cuda_impl::FormatGiB(free_bytes)));
  pool_retention_ = std::make_unique<cuda_impl::PoolRetention>(ordinal_);
  stream_ = std::make_unique<cuda_impl::Stream>();
  matrix_ = std::make_unique<DeviceBinnedMatrix>(bins);
  if (regression_) labels_ = cuda_impl::DeviceBuffer<float>::FromHost(labels);
  values_ = cuda_impl::DeviceBuffer<GradientSum>(bins.Rows() * pairs_);
  rows_ = cuda_impl::DeviceBuffer<std::uint32_t>(bins.Rows());
  // The uploads above ran on the legacy default stream; the session's stream does not wait.
  cuda_impl::SynchronizeDevice();
}

CudaForestSession::~CudaForestSession() = default;

GrowResult CudaForestSession::GrowTree(const GrowerParams& params, const ImpurityLayout& layout,
                                       const ForestSplitRules& rules, std::uint64_t stream,
                                       std::span<const GradientSum> values,
                                       std::vector<std::uint32_t> rows,
                                       const std::atomic<bool>* cancel) {
  GROVE_CHECK(layout.pairs == pairs_ && values.size() == bins_.Rows() * pairs_ &&
                  rows.size() <= bins_.Rows(),
              "CudaForestSession: pairs values per matrix row, at most one entry per row");
  const cuda_impl::DeviceGuard guard(ordinal_);
  const cuda_impl::StreamView s = stream_->View();
  cuda_impl::CopyToDeviceOn(s, values_.data(), values.data(), values.size_bytes());
  cuda_impl::CopyToDeviceOn(s, rows_.data(), rows.data(), rows.size() * sizeof(std::uint32_t));
  ForestTreeSession session(s, bins_, *matrix_, params, layout, rules, stream, values_.data(),
                            regression_ ? labels_.data() : nullptr, rows_.data(), histograms_,
                            cancel);
  GrowResult grown = session.Run(static_cast<std::uint32_t>(rows.size()));
  grown.rows = std::move(rows);  // same size; the leaves' order comes back from the device
  cuda_impl::CopyToHostOn(s, grown.rows.data(), rows_.data(),
                          grown.rows.size() * sizeof(std::uint32_t));  // syncs
  return grown;
}

}  // namespace grove
