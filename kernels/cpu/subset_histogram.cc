// CPU feature-subset histograms: small nodes are built whole, one per parallel task; a node
// with many rows is split into row blocks with private histograms summed afterwards (integer
// sums, so the reduction order does not matter).
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/subset_histogram.h"

namespace grove::cpu_impl {
namespace {

constexpr std::size_t kBlockRows = 8192;
constexpr std::size_t kParallelRows = 8 * kBlockRows;
constexpr std::size_t kPrefetchDistance = 16;

// Per listed feature: its column and the first histogram slot of its bins.
struct FeatureSlots {
  std::vector<std::uint32_t> column;
  std::vector<std::uint32_t> slot;
};

FeatureSlots SlotsOf(const BinnedView& bins, std::span<const std::uint32_t> features) {
  FeatureSlots s;
  std::uint32_t next = 0;
  for (const std::uint32_t f : features) {
    s.column.push_back(f);
    s.slot.push_back(next);
    next += bins.feature_offsets[f + 1] - bins.feature_offsets[f];
  }
  return s;
}

template <typename BinT, std::size_t kPairs, bool kTouched>
void Accumulate(const BinT* bins, std::size_t features, const FeatureSlots& slots,
                std::size_t pairs_dynamic, const GradientSum* values,
                std::span<const std::uint32_t> rows, GradientSum* hist, std::uint64_t* touched) {
  const std::size_t pairs = kPairs != 0 ? kPairs : pairs_dynamic;
  const std::size_t n = rows.size();
  const std::size_t k_features = slots.column.size();
  const std::uint32_t* column = slots.column.data();
  const std::uint32_t* slot = slots.slot.data();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kPrefetchDistance < n) {
      __builtin_prefetch(bins + static_cast<std::size_t>(rows[i + kPrefetchDistance]) * features);
    }
    const std::size_t row = rows[i];
    const BinT* row_bins = bins + row * features;
    const GradientSum* v = values + row * pairs;
    for (std::size_t k = 0; k < k_features; ++k) {
      const std::size_t index = static_cast<std::size_t>(slot[k]) + row_bins[column[k]];
      GradientSum* bin = hist + index * pairs;
      for (std::size_t p = 0; p < pairs; ++p) bin[p] += v[p];
      if constexpr (kTouched) touched[index / 64] |= std::uint64_t{1} << (index % 64);
    }
  }
}

template <typename BinT, bool kTouched>
void AccumulateAny(const BinT* bins, std::size_t features, const FeatureSlots& slots,
                   std::size_t pairs, const GradientSum* values,
                   std::span<const std::uint32_t> rows, GradientSum* hist,
                   std::uint64_t* touched) {
  // One pair (binary classification, regression) is the common case: let the compiler see it.
  if (pairs == 1) {
    Accumulate<BinT, 1, kTouched>(bins, features, slots, pairs, values, rows, hist, touched);
  } else {
    Accumulate<BinT, 0, kTouched>(bins, features, slots, pairs, values, rows, hist, touched);
  }
}

template <typename BinT>
void AccumulateBins(const BinT* bins, std::size_t features, const FeatureSlots& slots,
                    std::size_t pairs, const GradientSum* values,
                    std::span<const std::uint32_t> rows, GradientSum* hist,
                    std::uint64_t* touched) {
  if (touched != nullptr) {
    AccumulateAny<BinT, true>(bins, features, slots, pairs, values, rows, hist, touched);
  } else {
    AccumulateAny<BinT, false>(bins, features, slots, pairs, values, rows, hist, touched);
  }
}

void AccumulateRows(const BinnedView& bins, const FeatureSlots& slots, std::size_t pairs,
                    const GradientSum* values, std::span<const std::uint32_t> rows,
                    GradientSum* hist, std::uint64_t* touched = nullptr) {
  if (bins.bins8 != nullptr) {
    AccumulateBins(bins.bins8, bins.features, slots, pairs, values, rows, hist, touched);
  } else {
    AccumulateBins(bins.bins16, bins.features, slots, pairs, values, rows, hist, touched);
  }
}

void BuildLarge(const BinnedView& bins, const FeatureSlots& slots, std::size_t pairs,
                const GradientSum* values, const SubsetHistogramTask& task) {
  using Local = std::vector<GradientSum>;
  const std::size_t size = task.histogram.size();
  tbb::enumerable_thread_specific<Local> locals([&] { return Local(size); });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, task.rows.size(), kBlockRows),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      AccumulateRows(bins, slots, pairs, values,
                                     task.rows.subspan(range.begin(), range.size()),
                                     locals.local().data());
                    });
  std::memset(static_cast<void*>(task.histogram.data()), 0, task.histogram.size_bytes());
  for (const Local& local : locals) {
    for (std::size_t b = 0; b < size; ++b) task.histogram[b] += local[b];
  }
}

// After a block-parallel build: the bits of the non-empty bins.
void MarkNonEmpty(std::size_t pairs, const SubsetHistogramTask& task) {
  const std::size_t bins = task.histogram.size() / pairs;
  for (std::size_t b = 0; b < bins; ++b) {
    for (std::size_t p = 0; p < pairs; ++p) {
      const GradientSum& s = task.histogram[b * pairs + p];
      if (s.grad != 0 || s.hess != 0) {
        task.touched[b / 64] |= std::uint64_t{1} << (b % 64);
        break;
      }
    }
  }
}

}  // namespace

void BuildSubsetHistograms(const Context& ctx, const BinnedView& bins, std::size_t pairs,
                           std::span<const GradientSum> values,
                           std::span<const SubsetHistogramTask> tasks) {
  const auto build = [&](std::size_t t) {
    const SubsetHistogramTask& task = tasks[t];
    const FeatureSlots slots = SlotsOf(bins, task.features);
    if (task.rows.size() >= kParallelRows && ctx.Threads() > 1) {
      BuildLarge(bins, slots, pairs, values.data(), task);
      if (!task.touched.empty()) MarkNonEmpty(pairs, task);
      return;
    }
    if (task.touched.empty()) {
      std::memset(static_cast<void*>(task.histogram.data()), 0, task.histogram.size_bytes());
      AccumulateRows(bins, slots, pairs, values.data(), task.rows, task.histogram.data());
    } else {
      AccumulateRows(bins, slots, pairs, values.data(), task.rows, task.histogram.data(),
                     task.touched.data());
    }
  };
  if (ctx.Threads() == 1) {
    // Forests grow one tree per thread: skip the arena, which would cost more than small nodes.
    for (std::size_t t = 0; t < tasks.size(); ++t) build(t);
    return;
  }
  tbb::task_arena arena(ctx.Threads());
  arena.execute([&] { tbb::parallel_for(std::size_t{0}, tasks.size(), build); });
}

}  // namespace grove::cpu_impl
