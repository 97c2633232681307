// CPU random-forest split search: (node, feature) pairs in parallel blocks; each pair writes its
// own output slot, so the result does not depend on the thread count.
#include "kernels/impurity_split.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <vector>

#include "kernels/common/impurity_scan.h"

namespace grove::cpu_impl {
namespace {

// Scans features of one node at a time with the shared per-feature scan
// (kernels/common/impurity_scan.h); the non-empty bins come from the touched bitmap when the
// task has one (deep nodes touch a handful of a feature's bins), else from the bins' sums.
// kChannels: the layout's channel count when known at compile time (2: binary classification
// or regression without a count channel, the common cases), 0 otherwise.
template <int kChannels>
class FeatureScan {
 public:
  FeatureScan(const CutsView& cuts, const ImpurityLayout& layout, const ImpurityRules& rules)
      : cuts_(cuts), params_(ImpurityScanParamsOf(layout, rules)) {}

  // `slot`: the feature's first bin in the task's subset histogram.
  FeatureSplit Run(const ImpuritySplitTask& task, std::uint32_t f, std::size_t slot) {
    if (task_ != &task) {
      task_ = &task;
      NodeStats parent;
      FillStats(params_, task.node_sum.data(), parent);
      parent_ = WeightedImpurity(params_.criterion, parent, params_.classes);
    }
    const int pairs = params_.pairs;
    const std::uint32_t bins = cuts_.NumBins(f);
    const GradientSum* hist = task.histogram.data() + slot * static_cast<std::size_t>(pairs);
    const bool has_missing_bin = cuts_.has_missing[f] != 0;
    std::vector<std::uint32_t>& nz = nonempty_;
    nz.clear();
    bool node_has_missing = false;
    if (task.touched.empty()) {
      node_has_missing =
          has_missing_bin && !EmptyBin(hist + static_cast<std::size_t>(bins) * pairs, pairs);
      for (std::uint32_t b = 0; b < bins; ++b) {
        if (!EmptyBin(hist + static_cast<std::size_t>(b) * pairs, pairs)) nz.push_back(b);
      }
    } else {
      const std::uint64_t* bits = task.touched.data();
      const auto bit = [&](std::size_t i) { return (bits[i / 64] >> (i % 64)) & 1U; };
      node_has_missing = has_missing_bin && bit(slot + bins) != 0;
      // Whole words at a time.
      std::size_t i = slot;
      const std::size_t end = slot + bins;
      while (i < end) {
        std::uint64_t word = bits[i / 64] >> (i % 64);
        const std::size_t span = std::min<std::size_t>(64 - i % 64, end - i);
        if (span < 64) word &= (std::uint64_t{1} << span) - 1;
        while (word != 0) {
          const int low = __builtin_ctzll(word);
          nz.push_back(static_cast<std::uint32_t>(i + static_cast<std::size_t>(low) - slot));
          word &= word - 1;
        }
        i += span;
      }
    }
    std::size_t cursor = 0;
    const auto next = [&] { return cursor < nz.size() ? nz[cursor++] : kScanEnd; };
    FeatureSplit result;
    result.constant = ScanImpurityFeature<kChannels>(params_, cuts_, f, hist, task.node_sum.data(),
                                                     parent_, next, node_has_missing, result.best);
    return result;
  }

 private:
  const CutsView& cuts_;
  ImpurityScanParams params_;
  const ImpuritySplitTask* task_ = nullptr;
  double parent_ = 0.0;
  std::vector<std::uint32_t> nonempty_;
};

}  // namespace

void EvaluateImpuritySplits(const Context& ctx, const CutsView& cuts, const ImpurityLayout& layout,
                            const ImpurityRules& rules, std::span<const ImpuritySplitTask> tasks,
                            std::span<FeatureSplit> out) {
  // Flatten (task, feature) pairs; slot = the feature's first bin in its task's histogram.
  struct Item {
    std::size_t task;
    std::uint32_t feature;
    std::size_t slot;
  };
  std::vector<Item> items;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    std::size_t slot = 0;
    for (const std::uint32_t f : tasks[t].features) {
      items.push_back(Item{t, f, slot});
      slot += cuts.feature_offsets[f + 1] - cuts.feature_offsets[f];
    }
  }
  const auto scan_with = [&]<int kChannels>(const tbb::blocked_range<std::size_t>& range) {
    FeatureScan<kChannels> scan(cuts, layout, rules);
    for (std::size_t i = range.begin(); i < range.end(); ++i) {
      out[i] = scan.Run(tasks[items[i].task], items[i].feature, items[i].slot);
    }
  };
  const bool two = layout.channels == 2;
  const auto run = [&](const tbb::blocked_range<std::size_t>& range) {
    if (two) {
      scan_with.template operator()<2>(range);
    } else {
      scan_with.template operator()<0>(range);
    }
  };
  const tbb::blocked_range<std::size_t> all(0, items.size(), 16);
  if (ctx.Threads() == 1) {
    run(all);
    return;
  }
  tbb::task_arena arena(ctx.Threads());
  arena.execute([&] { tbb::parallel_for(all, run); });
}

}  // namespace grove::cpu_impl
