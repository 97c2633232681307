#include "engine/src/forest_splitter.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <utility>

#include "engine/src/binned_views.h"
#include "engine/src/random.h"
#include "kernels/subset_histogram.h"

namespace grove {
namespace {

// scikit-learn's EPSILON (np.finfo(np.double).eps) in `improvement + EPSILON <
// min_impurity_decrease`.
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();
// Histogram entries (GradientSums) built at once: bounds the memory of a wide level.
constexpr std::size_t kChunkEntries = std::size_t{1} << 19;

}  // namespace

// A node whose features are still being visited.
struct ForestSplitter::Pending {
  std::size_t index = 0;                 // into the FindSplits arguments
  std::span<const std::uint32_t> rows;
  std::vector<GradientSum> sum;          // node totals, one per pair
  std::vector<std::uint32_t> order;      // random visiting order, drawn lazily
  Random rng{0};
  std::size_t drawn = 0;                 // order[0, drawn) is fixed
  std::size_t batch_begin = 0;           // order[batch_begin, drawn): this round's features
  int visited = 0;
  bool non_constant = false;
  bool done = false;
  SplitCandidate best;
  std::vector<std::uint32_t> batch;      // the batch's features (kernel input)
};

ForestSplitter::ForestSplitter(const Context& ctx, const BinnedMatrix& bins,
                               const ImpurityLayout& layout, std::span<const GradientSum> values,
                               std::span<const float> labels, const ForestSplitRules& rules,
                               std::uint64_t stream)
    : ctx_(ctx), bins_(bins), layout_(layout), values_(values), labels_(labels), rules_(rules),
      stream_(stream), bin_view_(BinnedViewOf(bins)), cut_view_(CutsViewOf(bins.Cuts())) {}

bool ForestSplitter::StaysLeaf(const SplitQuery& node, const std::vector<GradientSum>& sum) const {
  if (static_cast<std::int64_t>(node.rows.size()) < rules_.min_samples_split) return true;
  const NodeStats stats = StatsOf(layout_, sum.data());
  const double weight = TotalWeight(layout_.criterion, stats, layout_.classes);
  if (weight < 2.0 * rules_.min_weight_leaf || !(weight > 0.0)) return true;
  if (layout_.criterion == Criterion::kSquaredError) {
    const float first = labels_[node.rows.front()];
    return std::all_of(node.rows.begin(), node.rows.end(),
                       [&](std::uint32_t r) { return labels_[r] == first; });
  }
  int classes_present = 0;
  for (int k = 0; k < layout_.classes; ++k) classes_present += stats.w[k] > 0.0 ? 1 : 0;
  return classes_present <= 1;
}

// The next features to visit: up to max_features at first; afterwards (all visited ones were
// constant) another max_features, of which only those up to the first non-constant one count.
void ForestSplitter::NextBatch(Pending& p) const {
  const std::size_t features = p.order.size();
  const auto want = static_cast<std::size_t>(rules_.max_features);
  const std::size_t take = std::min(features - p.drawn, want);
  p.batch_begin = p.drawn;
  for (std::size_t i = 0; i < take; ++i, ++p.drawn) {  // partial Fisher-Yates
    std::swap(p.order[p.drawn], p.order[p.drawn + p.rng.Below(features - p.drawn)]);
  }
  p.batch.assign(p.order.begin() + static_cast<std::ptrdiff_t>(p.batch_begin),
                 p.order.begin() + static_cast<std::ptrdiff_t>(p.drawn));
}

void ForestSplitter::EvaluateChunk(std::span<Pending*> chunk) {
  std::vector<SubsetHistogramTask> hist_tasks;
  std::vector<ImpuritySplitTask> split_tasks;
  std::size_t outputs = 0;
  // The buffers stay zero between calls: after the search only the touched bins are reset,
  // so a deep node costs its rows, not every bin of its features.
  std::size_t entries = 0;
  std::size_t words = 0;
  for (const Pending* p : chunk) {
    const std::size_t size = SubsetHistogramSize(bin_view_, p->batch, layout_.pairs);
    entries += size;
    words += TouchedWords(size / layout_.pairs);
  }
  if (hist_buffer_.size() < entries) hist_buffer_.resize(entries);
  if (touched_buffer_.size() < words) touched_buffer_.resize(words);
  std::size_t offset = 0;
  std::size_t word = 0;
  for (Pending* p : chunk) {
    const std::size_t size = SubsetHistogramSize(bin_view_, p->batch, layout_.pairs);
    const std::span<GradientSum> hist = std::span(hist_buffer_).subspan(offset, size);
    const std::size_t w = TouchedWords(size / layout_.pairs);
    const std::span<std::uint64_t> touched = std::span(touched_buffer_).subspan(word, w);
    offset += size;
    word += w;
    hist_tasks.push_back(SubsetHistogramTask{p->rows, p->batch, hist, touched});
    split_tasks.push_back(ImpuritySplitTask{hist, p->batch, p->sum, touched});
    outputs += p->batch.size();
  }
  BuildSubsetHistograms(ctx_, bin_view_, layout_.pairs, values_, hist_tasks);
  std::vector<FeatureSplit> results(outputs);
  EvaluateImpuritySplits(ctx_, cut_view_, layout_, rules_.leaf, split_tasks, results);
  for (const SubsetHistogramTask& task : hist_tasks) {
    for (std::size_t w = 0; w < task.touched.size(); ++w) {
      for (std::uint64_t bits = task.touched[w]; bits != 0; bits &= bits - 1) {
        const std::size_t bin = w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits));
        for (std::size_t p = 0; p < layout_.pairs; ++p) {
          task.histogram[bin * layout_.pairs + p] = GradientSum{};
        }
      }
      task.touched[w] = 0;
    }
  }
  std::size_t next = 0;
  for (Pending* p : chunk) {
    for (std::size_t k = 0; k < p->batch.size(); ++k) {
      const FeatureSplit& r = results[next + k];
      if (p->done) continue;
      ++p->visited;
      if (!r.constant) {
        p->non_constant = true;
        // Strictly greater: on a tie the feature visited first keeps the split.
        if (r.best.Valid() && r.best.loss_change > p->best.loss_change) p->best = r.best;
      }
      if (p->visited >= rules_.max_features && p->non_constant) p->done = true;
    }
    next += p->batch.size();
    if (p->drawn == p->order.size()) p->done = true;
  }
}

void ForestSplitter::FindSplits(std::span<const SplitQuery> nodes,
                                std::span<SplitCandidate> best) {
  const std::size_t features = bins_.Features();
  const std::size_t pairs = layout_.pairs;
  std::vector<Pending> pending;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    best[i] = SplitCandidate{};
    Pending p;
    p.index = i;
    p.rows = nodes[i].rows;
    p.sum.assign(pairs, GradientSum{});
    for (const std::uint32_t r : p.rows) {
      const GradientSum* v = values_.data() + static_cast<std::size_t>(r) * pairs;
      for (std::size_t k = 0; k < pairs; ++k) p.sum[k] += v[k];
    }
    if (features == 0 || StaysLeaf(nodes[i], p.sum)) continue;
    p.order.resize(features);
    std::iota(p.order.begin(), p.order.end(), 0U);
    p.rng = Random::For(stream_, kStreamByNode, static_cast<std::uint64_t>(nodes[i].node));
    pending.push_back(std::move(p));
  }
  std::vector<Pending*> active;
  for (Pending& p : pending) active.push_back(&p);
  while (!active.empty()) {
    for (Pending* p : active) NextBatch(*p);
    std::size_t begin = 0;
    while (begin < active.size()) {
      std::size_t end = begin;
      std::size_t entries = 0;
      while (end < active.size() && (end == begin || entries < kChunkEntries)) {
        entries += SubsetHistogramSize(bin_view_, active[end]->batch, pairs);
        ++end;
      }
      EvaluateChunk(std::span(active).subspan(begin, end - begin));
      begin = end;
    }
    std::erase_if(active, [](const Pending* p) { return p->done; });
  }
  for (const Pending& p : pending) {
    if (!p.best.Valid()) continue;
    const double improvement = p.best.loss_change / rules_.total_weight;
    if (improvement + kEpsilon < rules_.min_impurity_decrease) continue;
    best[p.index] = p.best;
  }
}

}  // namespace grove
