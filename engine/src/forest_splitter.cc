#include "engine/src/forest_splitter.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <tuple>
#include <utility>

#include "engine/src/binned_views.h"
#include "engine/src/random.h"
#include "grove/errors.h"
#include "kernels/subset_histogram.h"

namespace grove {
namespace {

// Histogram entries (GradientSums) built at once, then searched and cleared: 512 KiB, so that
// the split search and the clearing find the chunk's histograms still in L2 (a level-wide
// chunk of many megabytes made the search wait on memory for every bin it read).
constexpr std::size_t kChunkEntries = std::size_t{1} << 15;

}  // namespace

// A node whose features are still being visited.
struct ForestSplitter::Pending {
  std::size_t index = 0;                 // into the FindSplits arguments
  std::span<const std::uint32_t> rows;   // kernel row indices: matrix rows or packed positions
  std::vector<GradientSum> sum;          // node totals, one per pair
  FeatureVisit visit;
};

ForestSplitter::ForestSplitter(const Context& ctx, const BinnedMatrix& bins,
                               const ImpurityLayout& layout, std::span<const GradientSum> values,
                               std::span<const float> labels, const ForestSplitRules& rules,
                               std::uint64_t stream, ForestWorkspace& workspace)
    : ctx_(ctx), bins_(bins), layout_(layout), values_(values), labels_(labels), rules_(rules),
      stream_(stream), work_(workspace), bin_view_(BinnedViewOf(bins)),
      cut_view_(CutsViewOf(bins.Cuts())) {}

// Copies the in-bag rows' bins, values and indices into half 0 of the workspace's buffers, in
// the grower's order, when that fits kMaxPackedBytes; otherwise the kernels keep reading the
// matrix in place. Each packed row of bins is padded to whole 8-byte words, so that moving a
// row is a few word copies.
void ForestSplitter::Pack(std::span<const std::uint32_t> rows) {
  const std::size_t m = rows.size();
  const std::size_t features = bins_.Features();
  const std::size_t pairs = layout_.pairs;
  const std::size_t bin_bytes = bins_.IsNarrow() ? 1 : 2;
  const std::size_t words = (features * bin_bytes + 7) / 8;
  const std::size_t bytes =
      2 * m * (words * 8 + pairs * sizeof(GradientSum) + 2 * sizeof(std::uint32_t));
  if (bytes > kMaxPackedBytes || m == 0) return;
  packed_ = true;
  size_ = m;
  row_words_ = words;
  work_.words.resize(2 * m * words);
  std::uint64_t* packed = work_.words.data();
  for (std::size_t i = 0; i < m; ++i) {
    packed[(i + 1) * words - 1] = 0;  // the padding bytes
    const auto* from = bins_.IsNarrow()
                           ? static_cast<const void*>(bins_.Bins8() + std::size_t{rows[i]} * features)
                           : static_cast<const void*>(bins_.Bins16() + std::size_t{rows[i]} * features);
    std::memcpy(packed + i * words, from, features * bin_bytes);
  }
  const auto* first = reinterpret_cast<const unsigned char*>(packed);
  if (bins_.IsNarrow()) {
    bin_view_.bins8 = first;
  } else {
    bin_view_.bins16 = reinterpret_cast<const std::uint16_t*>(first);
  }
  bin_view_.features = words * 8 / bin_bytes;  // the kernels' row stride
  bin_view_.rows = 2 * m;
  work_.values.resize(2 * m * pairs);
  for (std::size_t i = 0; i < m; ++i) {
    std::copy_n(values_.data() + std::size_t{rows[i]} * pairs, pairs,
                work_.values.data() + i * pairs);
  }
  work_.ids.resize(2 * m);
  std::copy(rows.begin(), rows.end(), work_.ids.begin());
  work_.half.assign(m, 0);
  if (work_.positions.size() < 2 * m) {
    const std::size_t old = work_.positions.size();
    work_.positions.resize(2 * m);
    std::iota(work_.positions.begin() + static_cast<std::ptrdiff_t>(old), work_.positions.end(),
              static_cast<std::uint32_t>(old));
  }
}

std::size_t ForestSplitter::BeginOf(const SplitQuery& node) const {
  const std::ptrdiff_t begin = node.rows.data() - root_rows_;
  GROVE_CHECK(begin >= 0 && static_cast<std::size_t>(begin) + node.rows.size() <= root_size_,
              "forest splitter: a node's rows are not a slice of the root's row buffer");
  return static_cast<std::size_t>(begin);
}

// The packed position of row `begin` of the grower's buffer: the half its slice lives in.
std::size_t ForestSplitter::PositionOf(std::size_t begin) const {
  return work_.half[begin] * size_ + begin;
}

namespace {

// Moves packed rows [from, from + n) to the other half, left rows first, both sides in order.
// Branch-free: a split's direction is close to a coin flip. kWords / kPairs: compile-time row
// sizes for the common layouts (0: use the runtime values).
template <typename BinT, std::size_t kWords, std::size_t kPairs>
std::pair<std::size_t, std::size_t> MoveRows(const BinT* bins, std::size_t stride, std::uint32_t f, std::uint32_t missing_bin,
              bool missing_left, std::int64_t last_left_bin, std::size_t words_dynamic,
              std::size_t pairs_dynamic, std::uint64_t* packed, GradientSum* values,
              std::uint32_t* ids, std::size_t from, std::size_t n, std::size_t l, std::size_t r) {
  const std::size_t words = kWords != 0 ? kWords : words_dynamic;
  const std::size_t pairs = kPairs != 0 ? kPairs : pairs_dynamic;
  for (std::size_t i = from; i < from + n; ++i) {
    const std::uint32_t bin = bins[i * stride + f];
    const bool present_left = static_cast<std::int64_t>(bin) <= last_left_bin;
    const bool left = bin == missing_bin ? missing_left : present_left;
    const std::size_t j = left ? l : r;
    l += left ? 1 : 0;
    r += left ? 0 : 1;
    for (std::size_t w = 0; w < words; ++w) packed[j * words + w] = packed[i * words + w];
    for (std::size_t k = 0; k < pairs; ++k) values[j * pairs + k] = values[i * pairs + k];
    ids[j] = ids[i];
  }
  return {l, r};
}

}  // namespace

// Stable partition of the slice [begin, end) by `split` into the other half, as the grower's
// partition kernel orders the row indices (SplitCandidate::GoesLeft); `left` is the grower's
// left count, and the rows' indices are checked against the grower's afterwards.
void ForestSplitter::PartitionSlice(std::size_t begin, std::size_t end, std::size_t left,
                                    const SplitCandidate& split) {
  const auto f = static_cast<std::uint32_t>(split.feature);
  const HistogramCuts& cuts = bins_.Cuts();
  const std::uint32_t missing_bin =
      cuts.HasMissing(f) ? cuts.MissingBin(f) : SplitCandidate::kNoBinLeft;
  // GoesLeft: the missing bin follows missing_left; other bins go left up to split_bin.
  const std::int64_t last_left_bin =
      split.split_bin == SplitCandidate::kNoBinLeft ? -1 : std::int64_t{split.split_bin};
  const std::size_t from = PositionOf(begin);
  const std::size_t to = (1 - work_.half[begin]) * size_ + begin;
  const std::size_t n = end - begin;
  const std::size_t stride = bin_view_.features;
  const auto move = [&]<typename BinT>(const BinT* bins) {
    const auto args = std::make_tuple(bins, stride, f, missing_bin, split.missing_left,
                                      last_left_bin, row_words_, layout_.pairs,
                                      work_.words.data(), work_.values.data(), work_.ids.data(),
                                      from, n, to, to + left);
    if (row_words_ == 4 && layout_.pairs == 1) return std::apply(MoveRows<BinT, 4, 1>, args);
    if (layout_.pairs == 1) return std::apply(MoveRows<BinT, 0, 1>, args);
    return std::apply(MoveRows<BinT, 0, 0>, args);
  };
  // Both sides use the same split, bins and SplitCandidate::GoesLeft rule, so the counts agree;
  // the check guards the invariant (FindSplits also compares the children's row indices).
  const auto [l, r] = bin_view_.bins8 != nullptr ? move(bin_view_.bins8) : move(bin_view_.bins16);
  GROVE_CHECK(left < n && l == to + left && r == to + n,
              "forest splitter: the grower's left child has a different size than the split's");
  const std::uint8_t half = static_cast<std::uint8_t>(1 - work_.half[begin]);
  work_.half[begin] = half;
  work_.half[begin + left] = half;
}

// A left child's query partitions its parent's packed slice (the right child follows it in the
// same call).
void ForestSplitter::PartitionFor(const SplitQuery& node) {
  const std::size_t begin = BeginOf(node);
  const auto it = unpartitioned_.find(begin);
  if (it == unpartitioned_.end()) return;
  const Unpartitioned parent = it->second;
  unpartitioned_.erase(it);
  PartitionSlice(begin, parent.end, node.rows.size(), parent.split);
}

bool ForestSplitter::StaysLeaf(const SplitQuery& node, const std::vector<GradientSum>& sum) const {
  return ForestNodeStaysLeaf(layout_, rules_, node.rows.size(), sum.data(), [&] {
    const float first = labels_[node.rows.front()];
    return std::all_of(node.rows.begin(), node.rows.end(),
                       [&](std::uint32_t r) { return labels_[r] == first; });
  });
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
    const std::size_t size = SubsetHistogramSize(bin_view_, p->visit.Batch(), layout_.pairs);
    entries += size;
    words += TouchedWords(size / layout_.pairs);
  }
  std::vector<GradientSum>& hist_buffer = work_.histograms;
  std::vector<std::uint64_t>& touched_buffer = work_.touched;
  if (hist_buffer.size() < entries) hist_buffer.resize(entries);
  if (touched_buffer.size() < words) touched_buffer.resize(words);
  std::size_t offset = 0;
  std::size_t word = 0;
  for (Pending* p : chunk) {
    const std::span<const std::uint32_t> batch = p->visit.Batch();
    const std::size_t size = SubsetHistogramSize(bin_view_, batch, layout_.pairs);
    const std::span<GradientSum> hist = std::span(hist_buffer).subspan(offset, size);
    const std::size_t w = TouchedWords(size / layout_.pairs);
    const std::span<std::uint64_t> touched = std::span(touched_buffer).subspan(word, w);
    offset += size;
    word += w;
    hist_tasks.push_back(SubsetHistogramTask{p->rows, batch, hist, touched});
    split_tasks.push_back(ImpuritySplitTask{hist, batch, p->sum, touched});
    outputs += batch.size();
  }
  const std::span<const GradientSum> values =
      packed_ ? std::span<const GradientSum>(work_.values) : values_;
  BuildSubsetHistograms(ctx_, bin_view_, layout_.pairs, values, hist_tasks);
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
    const std::size_t n = p->visit.Batch().size();
    p->visit.Take(std::span<const FeatureSplit>(results).subspan(next, n), rules_.max_features);
    next += n;
  }
}

void ForestSplitter::FindSplits(std::span<const SplitQuery> nodes,
                                std::span<SplitCandidate> best) {
  const std::size_t features = bins_.Features();
  const std::size_t pairs = layout_.pairs;
  if (root_rows_ == nullptr && !nodes.empty()) {
    root_rows_ = nodes.front().rows.data();
    root_size_ = nodes.front().rows.size();
    Pack(nodes.front().rows);
  }
  if (packed_) {
    for (const SplitQuery& node : nodes) PartitionFor(node);
    // Right children (whose parents' slices were just partitioned) and the root: the packed
    // slice must hold the grower's rows, in the grower's order.
    for (const SplitQuery& node : nodes) {
      const std::size_t at = PositionOf(BeginOf(node));
      GROVE_CHECK(node.rows.empty() || (work_.ids[at] == node.rows.front() &&
                                        work_.ids[at + node.rows.size() - 1] == node.rows.back()),
                  "forest splitter: the packed rows no longer follow the grower's partition");
    }
  }
  const std::span<const GradientSum> values =
      packed_ ? std::span<const GradientSum>(work_.values) : values_;
  std::vector<Pending> pending;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    best[i] = SplitCandidate{};
    Pending p;
    p.index = i;
    p.rows = packed_ ? std::span<const std::uint32_t>(work_.positions)
                           .subspan(PositionOf(BeginOf(nodes[i])), nodes[i].rows.size())
                     : nodes[i].rows;
    p.sum.assign(pairs, GradientSum{});
    for (const std::uint32_t r : p.rows) {
      const GradientSum* v = values.data() + static_cast<std::size_t>(r) * pairs;
      for (std::size_t k = 0; k < pairs; ++k) p.sum[k] += v[k];
    }
    if (features == 0 || StaysLeaf(nodes[i], p.sum)) continue;
    p.visit = FeatureVisit(features, stream_, nodes[i].node);
    pending.push_back(std::move(p));
  }
  std::vector<Pending*> active;
  for (Pending& p : pending) active.push_back(&p);
  while (!active.empty()) {
    for (Pending* p : active) p->visit.NextBatch(rules_.max_features);
    std::size_t begin = 0;
    while (begin < active.size()) {
      std::size_t end = begin;
      std::size_t entries = 0;
      while (end < active.size() && (end == begin || entries < kChunkEntries)) {
        entries += SubsetHistogramSize(bin_view_, active[end]->visit.Batch(), pairs);
        ++end;
      }
      EvaluateChunk(std::span(active).subspan(begin, end - begin));
      begin = end;
    }
    std::erase_if(active, [](const Pending* p) { return p->visit.Done(); });
  }
  for (const Pending& p : pending) {
    if (!KeepForestSplit(p.visit.Best(), rules_)) continue;
    best[p.index] = p.visit.Best();
    if (packed_) {
      const SplitQuery& node = nodes[p.index];
      unpartitioned_[BeginOf(node)] =
          Unpartitioned{BeginOf(node) + node.rows.size(), p.visit.Best()};
    }
  }
}

}  // namespace grove
