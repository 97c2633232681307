// CPU random-forest split search: (node, feature) pairs in parallel blocks; each pair writes its
// own output slot, so the result does not depend on the thread count.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <vector>

#include "kernels/impurity_split.h"

namespace grove::cpu_impl {
namespace {

bool Empty(const GradientSum* bin, std::size_t pairs) {
  for (std::size_t p = 0; p < pairs; ++p) {
    if (bin[p].grad != 0 || bin[p].hess != 0) return false;
  }
  return true;
}

// Scans features of one node at a time; scratch buffers are reused across calls.
// kChannels: the layout's channel count when known at compile time (2: binary classification
// or regression without a count channel, the common cases), 0 otherwise.
template <int kChannels>
class FeatureScan {
 public:
  FeatureScan(const CutsView& cuts, const ImpurityLayout& layout, const ImpurityRules& rules)
      : cuts_(cuts), layout_(layout), rules_(rules), left_(layout.pairs), right_(layout.pairs),
        inverse_scale_(static_cast<std::size_t>(layout.channels)) {
    for (int c = 0; c < layout.channels; ++c) {
      const GradientQuantizer& q = layout.quantizers[static_cast<std::size_t>(c / 2)];
      // Scales are powers of two, so multiplying by the inverse is exact (= Grad / Hess).
      inverse_scale_[static_cast<std::size_t>(c)] = 1.0 / (c % 2 == 0 ? q.grad_scale : q.hess_scale);
    }
    stat_channels_ = layout.has_count ? layout.channels - 1 : layout.channels;
  }

  // `slot`: the feature's first bin in the task's subset histogram.
  FeatureSplit Run(const ImpuritySplitTask& task, std::uint32_t f, std::size_t slot) {
    if (task_ != &task) {
      task_ = &task;
      parent_ = WeightedImpurity(layout_.criterion, StatsOf(layout_, task.node_sum.data()),
                                 layout_.classes);
    }
    FeatureSplit result;
    const std::size_t pairs = layout_.pairs;
    const std::uint32_t bins = cuts_.NumBins(f);
    const GradientSum* hist = task.histogram.data() + slot * pairs;
    const bool has_missing_bin = cuts_.has_missing[f] != 0;
    const GradientSum* missing = hist + static_cast<std::size_t>(bins) * pairs;
    std::vector<std::uint32_t>& nz = nonempty_;
    nz.clear();
    bool node_has_missing = false;
    if (task.touched.empty()) {
      node_has_missing = has_missing_bin && !Empty(missing, pairs);
      for (std::uint32_t b = 0; b < bins; ++b) {
        if (!Empty(hist + static_cast<std::size_t>(b) * pairs, pairs)) nz.push_back(b);
      }
    } else {
      const std::uint64_t* bits = task.touched.data();
      const auto bit = [&](std::size_t i) { return (bits[i / 64] >> (i % 64)) & 1U; };
      node_has_missing = has_missing_bin && bit(slot + bins) != 0;
      // Whole words at a time: deep nodes touch a handful of a feature's bins.
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
    result.constant = nz.size() + (node_has_missing ? 1 : 0) <= 1;
    if (result.constant) return result;
    for (std::size_t p = 0; p < pairs; ++p) left_[p] = GradientSum{};
    SplitCandidate& best = result.best;
    for (std::size_t m = 0; m + 1 < nz.size(); ++m) {
      const GradientSum* bin = hist + static_cast<std::size_t>(nz[m]) * pairs;
      for (std::size_t p = 0; p < pairs; ++p) left_[p] += bin[p];
      const std::uint32_t split_bin = (nz[m] + nz[m + 1] - 1) / 2;
      Try(f, split_bin, false, best);
      if (node_has_missing) {
        for (std::size_t p = 0; p < pairs; ++p) left_[p] += missing[p];
        Try(f, split_bin, true, best);
        for (std::size_t p = 0; p < pairs; ++p) left_[p] -= missing[p];
      }
    }
    if (node_has_missing && !nz.empty()) {
      for (std::size_t p = 0; p < pairs; ++p) left_[p] = missing[p];
      Try(f, SplitCandidate::kNoBinLeft, true, best);
    }
    if (best.Valid()) {
      best.threshold = best.split_bin == SplitCandidate::kNoBinLeft
                           ? cuts_.min_values[f]
                           : cuts_.cut_values[cuts_.cut_ptrs[f] + best.split_bin];
    }
    return result;
  }

 private:
  void Fill(const std::vector<GradientSum>& sums, NodeStats& s) const {
    const int channels = kChannels != 0 ? kChannels : layout_.channels;
    for (int c = 0; c < channels; ++c) {
      const GradientSum& pair = sums[static_cast<std::size_t>(c / 2)];
      const double v =
          static_cast<double>(c % 2 == 0 ? pair.grad : pair.hess) * inverse_scale_[static_cast<std::size_t>(c)];
      if (c < stat_channels_) {
        s.w[c] = v;
      } else {
        s.count = v;
      }
    }
  }

  void Try(std::uint32_t f, std::uint32_t split_bin, bool missing_left, SplitCandidate& best) {
    for (std::size_t p = 0; p < layout_.pairs; ++p) right_[p] = task_->node_sum[p] - left_[p];
    Fill(left_, l_);
    Fill(right_, r_);
    const int classes = kChannels != 0 && layout_.classes != 0 ? kChannels : layout_.classes;
    const double wl = TotalWeight(layout_.criterion, l_, classes);
    const double wr = TotalWeight(layout_.criterion, r_, classes);
    if (!(wl > 0.0) || !(wr > 0.0)) return;
    if (wl < rules_.min_leaf_weight || wr < rules_.min_leaf_weight) return;
    if (layout_.has_count &&
        (l_.count < rules_.min_leaf_count || r_.count < rules_.min_leaf_count)) {
      return;
    }
    const double decrease = parent_ - WeightedImpurity(layout_.criterion, l_, classes) -
                            WeightedImpurity(layout_.criterion, r_, classes);
    if (!(decrease > best.loss_change)) return;
    best.loss_change = decrease;
    best.feature = static_cast<std::int32_t>(f);
    best.split_bin = split_bin;
    best.missing_left = missing_left;
  }

  const CutsView& cuts_;
  const ImpurityLayout& layout_;
  const ImpurityRules& rules_;
  const ImpuritySplitTask* task_ = nullptr;
  double parent_ = 0.0;
  int stat_channels_ = 0;
  std::vector<GradientSum> left_;
  std::vector<GradientSum> right_;
  std::vector<double> inverse_scale_;
  std::vector<std::uint32_t> nonempty_;
  NodeStats l_;
  NodeStats r_;
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
