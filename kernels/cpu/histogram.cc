// CPU histogram build. All tasks of a call (a tree level's nodes) are cut into blocks of rows
// and run in one oneTBB loop, so both small and mid-sized nodes keep every thread busy. The
// first thread to reach a task writes straight into its output; any other thread that gets a
// block of the same task adds into a private histogram, summed into the output at the end.
// Integer sums make the result independent of which thread did what.
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/histogram.h"

namespace grove::cpu_impl {
namespace {

// Rows per block: large enough to amortise task overhead, small enough to balance.
constexpr std::size_t kBlockRows = 4096;
// Tasks with fewer rows stay one block (private copies would cost more than they balance).
constexpr std::size_t kSplitRows = 4 * kBlockRows;
// How far ahead to prefetch a row's bins: rows of a node are scattered after partitioning.
constexpr std::size_t kPrefetchDistance = 16;

template <typename BinT>
void AccumulateRows(const BinT* bins, std::size_t features, const std::uint32_t* offsets,
                    const GradientSum* gradients, std::span<const std::uint32_t> rows,
                    GradientSum* hist) {
  const std::size_t n = rows.size();
  std::size_t i = 0;
  // Four rows per pass over the features: the feature offset and the loop overhead are shared.
  // Adds to one bin stay in row order, so the sums are the same as one row at a time.
  for (; i + 3 < n; i += 4) {
    if (i + kPrefetchDistance + 3 < n) {
      for (std::size_t k = 0; k < 4; ++k) {
        __builtin_prefetch(bins +
                           static_cast<std::size_t>(rows[i + kPrefetchDistance + k]) * features);
      }
    }
    const BinT* b0 = bins + static_cast<std::size_t>(rows[i]) * features;
    const BinT* b1 = bins + static_cast<std::size_t>(rows[i + 1]) * features;
    const BinT* b2 = bins + static_cast<std::size_t>(rows[i + 2]) * features;
    const BinT* b3 = bins + static_cast<std::size_t>(rows[i + 3]) * features;
    const GradientSum g0 = gradients[rows[i]];
    const GradientSum g1 = gradients[rows[i + 1]];
    const GradientSum g2 = gradients[rows[i + 2]];
    const GradientSum g3 = gradients[rows[i + 3]];
    for (std::size_t f = 0; f < features; ++f) {
      GradientSum* h = hist + offsets[f];
      h[b0[f]] += g0;
      h[b1[f]] += g1;
      h[b2[f]] += g2;
      h[b3[f]] += g3;
    }
  }
  for (; i < n; ++i) {
    const BinT* row_bins = bins + static_cast<std::size_t>(rows[i]) * features;
    const GradientSum g = gradients[rows[i]];
    for (std::size_t f = 0; f < features; ++f) {
      GradientSum& bin = hist[offsets[f] + row_bins[f]];
      bin.grad += g.grad;
      bin.hess += g.hess;
    }
  }
}

void AccumulateRows(const BinnedView& bins, const GradientSum* gradients,
                    std::span<const std::uint32_t> rows, GradientSum* hist) {
  if (bins.bins8 != nullptr) {
    AccumulateRows(bins.bins8, bins.features, bins.feature_offsets, gradients, rows, hist);
  } else {
    AccumulateRows(bins.bins16, bins.features, bins.feature_offsets, gradients, rows, hist);
  }
}

void Zero(std::span<GradientSum> hist) {
  std::memset(static_cast<void*>(hist.data()), 0, hist.size_bytes());
}

// A block of one task's rows.
struct Block {
  std::size_t task = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
};

// The private histograms of one thread, by task.
struct Privates {
  std::vector<std::size_t> tasks;
  std::vector<std::unique_ptr<GradientSum[]>> sums;

  GradientSum* For(std::size_t task, std::size_t bins) {
    for (std::size_t k = 0; k < tasks.size(); ++k) {
      if (tasks[k] == task) return sums[k].get();
    }
    tasks.push_back(task);
    sums.push_back(std::make_unique<GradientSum[]>(bins));  // value-initialised: zeros
    return sums.back().get();
  }
};

std::vector<Block> CutIntoBlocks(std::span<const HistogramTask> tasks) {
  std::vector<Block> blocks;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    const std::size_t n = tasks[t].rows.size();
    if (n < kSplitRows) {
      blocks.push_back(Block{t, 0, n});
      continue;
    }
    for (std::size_t begin = 0; begin < n; begin += kBlockRows) {
      blocks.push_back(Block{t, begin, std::min(n, begin + kBlockRows)});
    }
  }
  return blocks;
}

void BuildParallel(const BinnedView& bins, const GradientSum* gradients,
                   std::span<const HistogramTask> tasks) {
  const std::vector<Block> blocks = CutIntoBlocks(tasks);
  constexpr int kNoOwner = -1;
  const std::unique_ptr<std::atomic<int>[]> owner(new std::atomic<int>[tasks.size()]);
  for (std::size_t t = 0; t < tasks.size(); ++t) owner[t].store(kNoOwner);
  tbb::enumerable_thread_specific<Privates> privates;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks.size(), 1),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      const int me = tbb::this_task_arena::current_thread_index();
                      for (std::size_t i = range.begin(); i < range.end(); ++i) {
                        const Block& block = blocks[i];
                        const HistogramTask& task = tasks[block.task];
                        int expected = kNoOwner;
                        GradientSum* out = nullptr;
                        if (owner[block.task].compare_exchange_strong(expected, me)) {
                          Zero(task.histogram);
                          out = task.histogram.data();
                        } else if (expected == me) {
                          out = task.histogram.data();
                        } else {
                          out = privates.local().For(block.task, bins.total_bins);
                        }
                        AccumulateRows(bins, gradients,
                                       task.rows.subspan(block.begin, block.end - block.begin),
                                       out);
                      }
                    });
  // Sum the private histograms into their tasks' outputs, in parallel over (task, bin range).
  std::vector<std::vector<const GradientSum*>> parts(tasks.size());
  for (Privates& p : privates) {
    for (std::size_t k = 0; k < p.tasks.size(); ++k) parts[p.tasks[k]].push_back(p.sums[k].get());
  }
  std::vector<std::size_t> shared;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    if (!parts[t].empty()) shared.push_back(t);
  }
  constexpr std::size_t kReduceBins = 4096;
  const std::size_t ranges = (bins.total_bins + kReduceBins - 1) / kReduceBins;
  tbb::parallel_for(std::size_t{0}, shared.size() * ranges, [&](std::size_t job) {
    const std::size_t t = shared[job / ranges];
    const std::size_t begin = (job % ranges) * kReduceBins;
    const std::size_t end = std::min<std::size_t>(bins.total_bins, begin + kReduceBins);
    GradientSum* out = tasks[t].histogram.data();
    for (const GradientSum* part : parts[t]) {
      for (std::size_t b = begin; b < end; ++b) out[b] += part[b];
    }
  });
}

}  // namespace

void BuildHistograms(const Context& ctx, const BinnedView& bins,
                     std::span<const GradientSum> gradients,
                     std::span<const HistogramTask> tasks) {
  if (ctx.Threads() == 1 || tasks.empty()) {
    for (const HistogramTask& task : tasks) {
      Zero(task.histogram);
      AccumulateRows(bins, gradients.data(), task.rows, task.histogram.data());
    }
    return;
  }
  tbb::task_arena arena(ctx.Threads());
  arena.execute([&] { BuildParallel(bins, gradients.data(), tasks); });
}

void SubtractHistogram(const Context& ctx, std::span<const GradientSum> parent,
                       std::span<const GradientSum> child, std::span<GradientSum> out) {
  (void)ctx;  // a memory-bound pass over ~100 KB: one thread is as fast as several
  for (std::size_t b = 0; b < out.size(); ++b) out[b] = parent[b] - child[b];
}

}  // namespace grove::cpu_impl
