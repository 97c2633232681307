// The weighted quantile summary: construction, merge, prune and query. The algebra follows
// Chen & Guestrin, "XGBoost: A Scalable Tree Boosting System" (KDD 2016), appendix A (weighted
// quantile sketch); the rank targets and the choice between neighbouring entries use XGBoost's
// rule so that exact summaries give XGBoost's `hist` cut points.
#include "engine/src/quantile_sketch.h"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <utility>

#include "grove/errors.h"

namespace grove {

namespace {

// The entry chosen for target rank `rank`; `cursor` only moves forward, so a sequence of
// non-decreasing targets costs O(size) in total. The entry i with mid_i <= rank < mid_{i+1}
// (mid = (rmin + rmax) / 2) or its successor is chosen, whichever side of the gap between them
// the target falls on. Either way the chosen entry's true rank interval lies within half the
// summary error of `rank` (RMinNext >= rank - err/2 and RMaxPrev <= rank + err/2), which is
// what bounds both Query and Prune.
std::size_t SelectEntry(std::span<const SummaryEntry> entries, double rank, std::size_t& cursor) {
  const double rank2 = 2.0 * rank;
  std::size_t i = cursor;
  while (i + 1 < entries.size() && rank2 >= entries[i + 1].rmin + entries[i + 1].rmax) ++i;
  cursor = i;
  if (i + 1 == entries.size()) return i;
  return rank2 < entries[i].RMinNext() + entries[i + 1].RMaxPrev() ? i : i + 1;
}

// The merged entry of a value found in only one of two merged summaries: its bounds from its
// own summary plus what the other summary says about the weight below / not above it.
// `other_below` is the other summary's last entry with a smaller value (nullptr: none);
// `other_above` its first entry with a larger value (nullptr: none).
SummaryEntry ShiftEntry(const SummaryEntry& own, const SummaryEntry* other_below,
                        const SummaryEntry* other_above, double other_total) {
  SummaryEntry e = own;
  if (other_below != nullptr) e.rmin += other_below->RMinNext();
  e.rmax += other_above != nullptr ? other_above->RMaxPrev() : other_total;
  return e;
}

}  // namespace

WeightedSummary WeightedSummary::FromSorted(std::span<const float> values,
                                            std::span<const float> weights) {
  WeightedSummary out;
  out.AssignSorted(values, weights);
  if (out.entries_.capacity() > 2 * out.entries_.size()) out.entries_.shrink_to_fit();
  return out;
}

void WeightedSummary::AssignSorted(std::span<const float> values, std::span<const float> weights) {
  GROVE_CHECK(weights.empty() || weights.size() == values.size(),
              fmt::format("{} weights for {} values", weights.size(), values.size()));
  entries_.clear();
  entries_.reserve(values.size());
  double below = 0.0;
  for (std::size_t i = 0; i < values.size();) {
    const float value = values[i];
    GROVE_CHECK(!std::isnan(value), "FromSorted needs values without NaN");
    double weight = 0.0;
    std::size_t j = i;
    for (; j < values.size() && values[j] == value; ++j) {
      weight += weights.empty() ? 1.0 : static_cast<double>(weights[j]);
    }
    GROVE_CHECK(j == values.size() || values[j] > value, "FromSorted needs ascending values");
    entries_.push_back(SummaryEntry{below, below + weight, weight, value});
    below += weight;
    i = j;
  }
}

WeightedSummary WeightedSummary::FromEntries(std::vector<SummaryEntry> entries) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const SummaryEntry& e = entries[i];
    const bool valid = !std::isnan(e.value) && e.rmin >= 0.0 && e.wmin >= 0.0 &&
                       e.RMinNext() <= e.rmax &&
                       (i == 0 || (e.value > entries[i - 1].value &&
                                   e.rmin >= entries[i - 1].rmin && e.rmax >= entries[i - 1].rmax));
    if (!valid) {
      throw InvalidInput(fmt::format(
          "quantile summary entry {} (value {}, rmin {}, rmax {}, wmin {}) is inconsistent: "
          "expected values strictly increasing, rmin and rmax non-decreasing and "
          "0 <= rmin, rmin + wmin <= rmax",
          i, e.value, e.rmin, e.rmax, e.wmin));
    }
  }
  WeightedSummary out;
  out.entries_ = std::move(entries);
  return out;
}

WeightedSummary WeightedSummary::Merge(const WeightedSummary& a, const WeightedSummary& b) {
  if (a.Empty()) return b;
  if (b.Empty()) return a;
  const std::span<const SummaryEntry> ea = a.entries_;
  const std::span<const SummaryEntry> eb = b.entries_;
  const double total_a = a.TotalWeight();
  const double total_b = b.TotalWeight();
  WeightedSummary out;
  out.entries_.reserve(ea.size() + eb.size());
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < ea.size() || j < eb.size()) {
    if (j == eb.size() || (i < ea.size() && ea[i].value < eb[j].value)) {
      out.entries_.push_back(ShiftEntry(ea[i], j > 0 ? &eb[j - 1] : nullptr,
                                        j < eb.size() ? &eb[j] : nullptr, total_b));
      ++i;
    } else if (i == ea.size() || eb[j].value < ea[i].value) {
      out.entries_.push_back(ShiftEntry(eb[j], i > 0 ? &ea[i - 1] : nullptr,
                                        i < ea.size() ? &ea[i] : nullptr, total_a));
      ++j;
    } else {  // the same value on both sides: the bounds add up
      out.entries_.push_back(SummaryEntry{ea[i].rmin + eb[j].rmin, ea[i].rmax + eb[j].rmax,
                                          ea[i].wmin + eb[j].wmin, ea[i].value});
      ++i;
      ++j;
    }
  }
  return out;
}

// Targets are spaced evenly between the first entry's RMinNext and the last entry's RMaxPrev.
// For an exact summary these equal XGBoost's `rmax[0]` and `rmin[last]`; for an approximate one
// they keep the gaps next to the first and last entry within the same bound as the others:
// every new gap is at most the old error plus (hi - lo) / (k - 1).
WeightedSummary WeightedSummary::Prune(std::size_t max_entries) const {
  GROVE_CHECK(max_entries >= 2, fmt::format("Prune to {} entries", max_entries));
  if (entries_.size() <= max_entries) return *this;
  const double lo = entries_.front().RMinNext();
  const double hi = entries_.back().RMaxPrev();
  const double intervals = static_cast<double>(max_entries - 1);
  WeightedSummary out;
  out.entries_.reserve(max_entries);
  out.entries_.push_back(entries_.front());
  std::size_t last = 0;
  std::size_t cursor = 0;
  for (std::size_t k = 1; k + 1 < max_entries; ++k) {
    const double target = (static_cast<double>(k) * (hi - lo)) / intervals + lo;
    const std::size_t chosen = SelectEntry(entries_, target, cursor);
    if (chosen != last) {
      out.entries_.push_back(entries_[chosen]);
      last = chosen;
    }
  }
  if (last + 1 != entries_.size()) out.entries_.push_back(entries_.back());
  return out;
}

std::size_t WeightedSummary::QueryIndex(double rank) const {
  GROVE_CHECK(!entries_.empty(), "Query on an empty summary");
  std::size_t cursor = 0;
  return SelectEntry(entries_, rank, cursor);
}

double WeightedSummary::MaxRankError() const {
  double error = 0.0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const SummaryEntry& e = entries_[i];
    error = std::max(error, e.rmax - e.rmin - e.wmin);
    if (i + 1 < entries_.size()) {
      error = std::max(error, entries_[i + 1].RMaxPrev() - e.RMinNext());
    }
  }
  return error;
}

// ---- The sketch of a matrix: fixed row blocks, summarised in parallel, merged in a fixed tree.

namespace {

struct WeightedValue {
  float value;
  float weight;
};

// -0 and +0 are one value; infinities are summarised as the largest finite magnitudes so that
// every cut stays finite and the cut above the maximum exists (quantize.h, "Infinities").
float Canonical(float value) {
  constexpr float kMax = std::numeric_limits<float>::max();
  if (value == 0.0f) return 0.0f;
  return std::clamp(value, -kMax, kMax);
}

// Order-preserving map of a float without NaN or -0 to an unsigned key.
std::uint32_t SortKey(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  return (bits & 0x80000000U) != 0 ? ~bits : bits | 0x80000000U;
}

float ValueOf(float value) {
  return value;
}
float ValueOf(const WeightedValue& item) {
  return item.value;
}

// Stable sort by value: LSD radix sort in three passes of 11 bits (several times faster than a
// comparison sort on blocks of 64K values), std::stable_sort for short runs. Both are stable,
// so equal values keep their row order and their weights are summed in the same order
// whichever way a block is gathered (dense or CSR).
template <typename Item>
void SortByValue(std::span<Item> items, std::vector<Item>& scratch) {
  constexpr std::size_t kRadixMin = 256;
  if (items.size() < kRadixMin) {
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return ValueOf(a) < ValueOf(b); });
    return;
  }
  constexpr int kBits = 11;
  constexpr int kPasses = 3;
  constexpr std::uint32_t kMask = (1U << kBits) - 1;
  std::vector<std::array<std::size_t, kMask + 1>> counts(kPasses);
  for (const Item& item : items) {
    const std::uint32_t key = SortKey(ValueOf(item));
    for (int p = 0; p < kPasses; ++p) ++counts[p][(key >> (p * kBits)) & kMask];
  }
  scratch.resize(items.size());
  Item* from = items.data();
  Item* to = scratch.data();
  for (int p = 0; p < kPasses; ++p) {
    std::array<std::size_t, kMask + 1>& next = counts[p];
    const std::uint32_t first_digit = (SortKey(ValueOf(from[0])) >> (p * kBits)) & kMask;
    if (next[first_digit] == items.size()) continue;  // one digit everywhere: nothing moves
    std::size_t sum = 0;
    for (std::size_t& c : next) sum += std::exchange(c, sum);
    for (std::size_t i = 0; i < items.size(); ++i) {
      to[next[(SortKey(ValueOf(from[i])) >> (p * kBits)) & kMask]++] = from[i];
    }
    std::swap(from, to);
  }
  if (from != items.data()) std::copy(from, from + items.size(), items.data());
}

// Reusable buffers of one task; `exact` holds the exact summary of the current column.
struct Scratch {
  std::vector<float> values;
  std::vector<float> weights;
  std::vector<WeightedValue> items;
  WeightedSummary exact;
};

void SummarizeUnweighted(std::span<float> values, Scratch& scratch) {
  SortByValue(values, scratch.values);
  scratch.exact.AssignSorted(values, {});
}

void SummarizeWeighted(std::span<WeightedValue> items, Scratch& scratch) {
  SortByValue(items, scratch.items);
  scratch.values.resize(items.size());
  scratch.weights.resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    scratch.values[i] = items[i].value;
    scratch.weights[i] = items[i].weight;
  }
  scratch.exact.AssignSorted(scratch.values, scratch.weights);
}

struct PartialSketch {
  std::vector<WeightedSummary> summaries;
  std::vector<std::uint64_t> present;
};

class Sketcher {
 public:
  Sketcher(const MatrixView& x, std::span<const float> weights, std::size_t block_rows,
           std::size_t max_entries, bool prune_blocks)
      : x_(x),
        weights_(weights),
        block_rows_(block_rows),
        max_entries_(max_entries),
        prune_blocks_(prune_blocks) {}

  // Blocks [first, last) summarised and merged; the split point depends only on the indices.
  PartialSketch Range(std::size_t first, std::size_t last) const {
    if (last - first == 1) return Block(first);
    const std::size_t middle = first + (last - first) / 2;
    PartialSketch left;
    PartialSketch right;
    tbb::parallel_invoke([&] { left = Range(first, middle); },
                         [&] { right = Range(middle, last); });
    tbb::parallel_for(std::size_t{0}, x_.cols, [&](std::size_t f) {
      left.summaries[f] =
          WeightedSummary::Merge(left.summaries[f], right.summaries[f]).Prune(max_entries_);
      left.present[f] += right.present[f];
    });
    return left;
  }

 private:
  static constexpr std::size_t kDenseChunk = 8;  // features gathered together from dense rows

  PartialSketch Block(std::size_t block) const {
    const std::size_t begin = block * block_rows_;
    const std::size_t end = std::min(x_.rows, begin + block_rows_);
    PartialSketch out{std::vector<WeightedSummary>(x_.cols), std::vector<std::uint64_t>(x_.cols)};
    if (x_.IsDense()) {
      const std::size_t chunks = (x_.cols + kDenseChunk - 1) / kDenseChunk;
      tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t chunk) {
        DenseChunk(begin, end, chunk * kDenseChunk, std::min(x_.cols, (chunk + 1) * kDenseChunk),
                   out);
      });
    } else {
      SparseBlock(begin, end, out);
    }
    return out;
  }

  // Stores the exact summary in `scratch` as feature f's block summary (pruned unless this is
  // the only block); the scratch storage is reused for the next column.
  void Finish(Scratch& scratch, std::size_t f, PartialSketch& out) const {
    out.summaries[f] = prune_blocks_ ? scratch.exact.Prune(max_entries_) : scratch.exact;
  }

  float Weight(std::size_t row) const { return weights_.empty() ? 1.0f : weights_[row]; }

  // Dense rows [begin, end), features [f0, f1): gather the present values column by column
  // into one buffer each, then sort and summarise.
  void DenseChunk(std::size_t begin, std::size_t end, std::size_t f0, std::size_t f1,
                  PartialSketch& out) const {
    const bool weighted = !weights_.empty();
    std::vector<std::vector<float>> values(f1 - f0);
    std::vector<std::vector<WeightedValue>> items(weighted ? f1 - f0 : 0);
    for (std::size_t k = 0; k < f1 - f0; ++k) {
      if (weighted) {
        items[k].reserve(end - begin);
      } else {
        values[k].reserve(end - begin);
      }
    }
    for (std::size_t r = begin; r < end; ++r) {
      const float* row = x_.dense + r * x_.row_stride;
      for (std::size_t f = f0; f < f1; ++f) {
        const float value = row[f * x_.col_stride];
        if (std::isnan(value)) continue;
        if (weighted) {
          items[f - f0].push_back(WeightedValue{Canonical(value), weights_[r]});
        } else {
          values[f - f0].push_back(Canonical(value));
        }
      }
    }
    Scratch scratch;
    for (std::size_t f = f0; f < f1; ++f) {
      if (weighted) {
        out.present[f] = items[f - f0].size();
        SummarizeWeighted(items[f - f0], scratch);
        Finish(scratch, f, out);
      } else {
        out.present[f] = values[f - f0].size();
        SummarizeUnweighted(values[f - f0], scratch);
        Finish(scratch, f, out);
      }
    }
  }

  // CSR rows [begin, end): count the present entries per feature, scatter them into one
  // feature-major buffer, then sort and summarise each feature's segment in parallel.
  void SparseBlock(std::size_t begin, std::size_t end, PartialSketch& out) const {
    std::vector<std::uint64_t> offsets(x_.cols + 1, 0);
    for (std::size_t r = begin; r < end; ++r) {
      x_.ForEachPresent(r, [&](std::uint32_t col, float) {
        if (col >= x_.cols) {
          throw InvalidInput(
              fmt::format("sketch: CSR row {} has column index {}; expected indices below {}", r,
                          col, x_.cols));
        }
        ++offsets[col + 1];
      });
    }
    for (std::size_t f = 0; f < x_.cols; ++f) {
      out.present[f] = offsets[f + 1];
      offsets[f + 1] += offsets[f];
    }
    std::vector<WeightedValue> items(offsets.back());
    std::vector<std::uint64_t> fill(offsets.begin(), offsets.end() - 1);
    for (std::size_t r = begin; r < end; ++r) {
      x_.ForEachPresent(r, [&](std::uint32_t col, float value) {
        items[fill[col]++] = WeightedValue{Canonical(value), Weight(r)};
      });
    }
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, x_.cols, 64),
                      [&](const tbb::blocked_range<std::size_t>& features) {
                        Scratch scratch;
                        for (std::size_t f = features.begin(); f < features.end(); ++f) {
                          if (offsets[f] == offsets[f + 1]) continue;
                          const std::span<WeightedValue> segment(items.data() + offsets[f],
                                                                 items.data() + offsets[f + 1]);
                          SummarizeWeighted(segment, scratch);
                          Finish(scratch, f, out);
                        }
                      });
  }

  MatrixView x_;
  std::span<const float> weights_;
  std::size_t block_rows_;
  std::size_t max_entries_;
  bool prune_blocks_;
};

}  // namespace

std::vector<std::uint8_t> MatrixSketch::HasMissing() const {
  std::vector<std::uint8_t> out(present.size());
  for (std::size_t f = 0; f < present.size(); ++f) out[f] = present[f] < rows ? 1 : 0;
  return out;
}

MatrixSketch SketchColumns(const Context& ctx, const MatrixView& x, std::span<const float> weights,
                           int max_bin, const SketchOptions& options) {
  GROVE_CHECK(options.block_rows > 0, "sketch block_rows must be positive");
  GROVE_CHECK(max_bin >= 2, fmt::format("max_bin {}", max_bin));
  MatrixSketch sketch;
  sketch.rows = x.rows;
  if (x.rows == 0) {
    sketch.summaries.resize(x.cols);
    sketch.present.assign(x.cols, 0);
    return sketch;
  }
  const std::size_t blocks = (x.rows + options.block_rows - 1) / options.block_rows;
  // Prune levels on any leaf-to-root path: the leaves plus one per merge level.
  const auto levels = static_cast<double>(1 + std::bit_width(blocks - 1));
  const double eps = options.eps > 0.0 ? options.eps : 1.0 / (16.0 * max_bin);
  // Never fewer entries than max_bin + 2, so that a summary small enough to give every distinct
  // value its own bin is always exact.
  const auto max_entries = std::max(static_cast<std::size_t>(std::ceil(levels / eps)) + 1,
                                    static_cast<std::size_t>(max_bin) + 2);
  const Sketcher sketcher(x, weights, options.block_rows, max_entries, blocks > 1);
  tbb::task_arena arena(ctx.Threads());
  PartialSketch result = arena.execute([&] { return sketcher.Range(0, blocks); });
  sketch.summaries = std::move(result.summaries);
  sketch.present = std::move(result.present);
  sketch.eps = blocks > 1 ? levels / static_cast<double>(max_entries - 1) : 0.0;
  return sketch;
}

}  // namespace grove
