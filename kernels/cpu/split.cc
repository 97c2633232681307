// CPU split evaluation: one (node, feature) pair per parallel work item, reduced per node in
// feature order so that ties resolve identically for any thread count.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <vector>

#include "kernels/split.h"

namespace grove::cpu_impl {
namespace {

// XGBoost's kRtEps: gains at or below it are rounding noise, not improvements.
constexpr double kMinGain = 1e-6;

struct Evaluator {
  const CutsView& cuts;
  const SplitParams& params;
  const GradientQuantizer& quantizer;
  bool weight_formula;

  // Scores one partition of the node into (left, right) and keeps it if strictly better.
  void Try(const SplitTask& task, int constraint, GradientSum left, std::uint32_t feature,
           std::uint32_t split_bin, bool missing_left, SplitCandidate& best) const {
    const GradientSum right = task.node_sum - left;
    const double gl = quantizer.Grad(left);
    const double hl = quantizer.Hess(left);
    const double gr = quantizer.Grad(right);
    const double hr = quantizer.Hess(right);
    if (hl <= 0.0 || hr <= 0.0) return;
    if (hl < params.min_child_weight || hr < params.min_child_weight) return;
    const double wl = CalcWeight(params, gl, hl, task.bounds);
    const double wr = CalcWeight(params, gr, hr, task.bounds);
    if ((constraint > 0 && wl > wr) || (constraint < 0 && wl < wr)) return;
    const double gain = CalcGainGivenWeight(params, gl, hl, wl, weight_formula) +
                        CalcGainGivenWeight(params, gr, hr, wr, weight_formula) -
                        task.parent_gain;
    if (!(gain > best.loss_change)) return;
    best.loss_change = gain;
    best.feature = static_cast<std::int32_t>(feature);
    best.split_bin = split_bin;
    best.missing_left = missing_left;
    best.left_sum = left;
    best.right_sum = right;
    best.left_weight = wl;
    best.right_weight = wr;
  }

  SplitCandidate Feature(const SplitTask& task, std::uint32_t f, int constraint) const {
    SplitCandidate best;
    const std::uint32_t bins = cuts.NumBins(f);
    const GradientSum* hist = task.histogram.data() + cuts.feature_offsets[f];
    const GradientSum missing = cuts.has_missing[f] != 0 ? hist[bins] : GradientSum{};
    const bool node_has_missing = missing.grad != 0 || missing.hess != 0;
    // Forward: the first i + 1 bins go left, missing values right.
    GradientSum left{};
    for (std::uint32_t i = 0; i < bins; ++i) {
      left += hist[i];
      Try(task, constraint, left, f, i, false, best);
    }
    if (node_has_missing) {
      // Backward: missing values join the left side; the last candidate sends only them left.
      GradientSum right{};
      for (std::uint32_t i = bins; i-- > 0;) {
        right += hist[i];
        Try(task, constraint, task.node_sum - right, f,
            i == 0 ? SplitCandidate::kNoBinLeft : i - 1, true, best);
      }
    }
    if (best.Valid()) {
      best.threshold = best.split_bin == SplitCandidate::kNoBinLeft
                           ? cuts.min_values[f]
                           : cuts.cut_values[cuts.cut_ptrs[f] + best.split_bin];
    }
    return best;
  }
};

}  // namespace

void EvaluateSplits(const Context& ctx, const CutsView& cuts, const SplitParams& params,
                    const GradientQuantizer& quantizer, std::span<const std::int8_t> monotone,
                    std::span<const SplitTask> tasks, std::span<SplitCandidate> best) {
  bool any_constraint = false;
  for (const std::int8_t c : monotone) any_constraint = any_constraint || c != 0;
  const Evaluator evaluator{cuts, params, quantizer,
                            params.max_delta_step != 0.0 || any_constraint};
  // Flatten (task, feature) pairs so that one node with many features and many nodes with
  // few features both spread over the threads.
  std::vector<std::size_t> first(tasks.size() + 1, 0);
  for (std::size_t t = 0; t < tasks.size(); ++t) first[t + 1] = first[t] + tasks[t].features.size();
  std::vector<SplitCandidate> per_feature(first.back());
  tbb::task_arena arena(ctx.Threads());
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, tasks.size(), [&](std::size_t t) {
      tbb::parallel_for(std::size_t{0}, tasks[t].features.size(), [&](std::size_t k) {
        const std::uint32_t f = tasks[t].features[k];
        const int constraint = monotone.empty() ? 0 : monotone[f];
        per_feature[first[t] + k] = evaluator.Feature(tasks[t], f, constraint);
      });
    });
  });
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    SplitCandidate chosen;
    for (std::size_t k = first[t]; k < first[t + 1]; ++k) {
      // Strictly greater: on a tie the lower feature index (earlier in the list) stays.
      if (per_feature[k].Valid() && per_feature[k].loss_change > chosen.loss_change) {
        chosen = per_feature[k];
      }
    }
    if (chosen.Valid() && !(chosen.loss_change > kMinGain)) chosen = SplitCandidate{};
    best[t] = chosen;
  }
}

}  // namespace grove::cpu_impl
