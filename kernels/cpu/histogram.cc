// CPU histogram build: oneTBB over row blocks with one private histogram per thread, then a
// parallel element-wise reduction. Integer sums make the reduction order irrelevant.
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/histogram.h"

namespace grove::cpu_impl {
namespace {

// Rows per parallel block: large enough to amortise task overhead, small enough to balance.
constexpr std::size_t kBlockRows = 4096;
// Nodes with fewer rows are built by one thread each (many small nodes run side by side).
constexpr std::size_t kParallelRows = 4 * kBlockRows;
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

// One large node: each thread fills a private histogram over its blocks, then the private
// histograms are summed into the output in parallel over bin ranges.
void BuildLarge(const BinnedView& bins, const GradientSum* gradients, const HistogramTask& task) {
  using Local = std::vector<GradientSum>;
  tbb::enumerable_thread_specific<Local> locals([&] { return Local(bins.total_bins); });
  const std::size_t n = task.rows.size();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, kBlockRows),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      Local& local = locals.local();
                      AccumulateRows(bins, gradients,
                                     task.rows.subspan(range.begin(), range.size()), local.data());
                    });
  std::vector<GradientSum*> parts;
  for (Local& local : locals) parts.push_back(local.data());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, bins.total_bins, 1024),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t b = range.begin(); b < range.end(); ++b) {
                        GradientSum sum{};
                        for (const GradientSum* part : parts) sum += part[b];
                        task.histogram[b] = sum;
                      }
                    });
}

}  // namespace

void BuildHistograms(const Context& ctx, const BinnedView& bins,
                     std::span<const GradientSum> gradients,
                     std::span<const HistogramTask> tasks) {
  tbb::task_arena arena(ctx.Threads());
  arena.execute([&] {
    std::vector<std::size_t> small;
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      if (tasks[t].rows.size() >= kParallelRows && ctx.Threads() > 1) {
        BuildLarge(bins, gradients.data(), tasks[t]);
      } else {
        small.push_back(t);
      }
    }
    tbb::parallel_for(std::size_t{0}, small.size(), [&](std::size_t i) {
      const HistogramTask& task = tasks[small[i]];
      Zero(task.histogram);
      AccumulateRows(bins, gradients.data(), task.rows, task.histogram.data());
    });
  });
}

void SubtractHistogram(const Context& ctx, std::span<const GradientSum> parent,
                       std::span<const GradientSum> child, std::span<GradientSum> out) {
  (void)ctx;  // a memory-bound pass over ~100 KB: one thread is as fast as several
  for (std::size_t b = 0; b < out.size(); ++b) out[b] = parent[b] - child[b];
}

}  // namespace grove::cpu_impl
