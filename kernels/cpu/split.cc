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

  // The common case (no max_delta_step, no monotone constraint): the gain needs no leaf
  // weights, so a candidate costs two divisions instead of eight. Bins whose sums are zero are
  // skipped: they repeat the previous partition, whose gain cannot be strictly better. The
  // arithmetic is the same as Try's (power-of-two scales make x / s equal x * (1 / s)), so both
  // paths choose the same bits.
  void FastScan(const SplitTask& task, const GradientSum* hist, std::uint32_t bins,
                std::uint32_t feature, GradientSum missing, SplitCandidate& best) const {
    const double inv_g = 1.0 / quantizer.grad_scale;
    const double inv_h = 1.0 / quantizer.hess_scale;
    const double lambda = params.lambda;
    const double alpha = params.alpha;
    const double min_child = params.min_child_weight;
    const GradientSum total = task.node_sum;
    double best_gain = best.loss_change;
    std::uint32_t best_bin = 0;
    bool best_missing_left = false;
    GradientSum best_left{};
    auto consider = [&](GradientSum left, std::uint32_t split_bin, bool missing_left) {
      const GradientSum right = total - left;
      const double hl = static_cast<double>(left.hess) * inv_h;
      const double hr = static_cast<double>(right.hess) * inv_h;
      if (hl <= 0.0 || hr <= 0.0 || hl < min_child || hr < min_child) return;
      const double tl = ThresholdL1(static_cast<double>(left.grad) * inv_g, alpha);
      const double tr = ThresholdL1(static_cast<double>(right.grad) * inv_g, alpha);
      const double gain = tl * tl / (hl + lambda) + tr * tr / (hr + lambda) - task.parent_gain;
      if (!(gain > best_gain)) return;
      best_gain = gain;
      best_bin = split_bin;
      best_missing_left = missing_left;
      best_left = left;
    };
    GradientSum left{};
    for (std::uint32_t i = 0; i < bins; ++i) {
      if (hist[i].grad == 0 && hist[i].hess == 0) continue;
      left += hist[i];
      consider(left, i, false);
    }
    if (missing.grad != 0 || missing.hess != 0) {
      GradientSum right{};
      for (std::uint32_t i = bins; i-- > 0;) {
        if (hist[i].grad == 0 && hist[i].hess == 0) continue;
        right += hist[i];
        consider(total - right, i == 0 ? SplitCandidate::kNoBinLeft : i - 1, true);
      }
    }
    if (!(best_gain > best.loss_change)) return;
    best.loss_change = best_gain;
    best.feature = static_cast<std::int32_t>(feature);
    best.split_bin = best_bin;
    best.missing_left = best_missing_left;
    best.left_sum = best_left;
    best.right_sum = total - best_left;
    best.left_weight = CalcWeight(params, quantizer.Grad(best.left_sum),
                                  quantizer.Hess(best.left_sum), task.bounds);
    best.right_weight = CalcWeight(params, quantizer.Grad(best.right_sum),
                                   quantizer.Hess(best.right_sum), task.bounds);
  }

  SplitCandidate Feature(const SplitTask& task, std::uint32_t f, int constraint) const {
    SplitCandidate best;
    const std::uint32_t bins = cuts.NumBins(f);
    const GradientSum* hist = task.histogram.data() + cuts.feature_offsets[f];
    const GradientSum missing = cuts.has_missing[f] != 0 ? hist[bins] : GradientSum{};
    const bool node_has_missing = missing.grad != 0 || missing.hess != 0;
    if (!weight_formula && constraint == 0) {
      FastScan(task, hist, bins, f, missing, best);
    } else {
      SlowScan(task, hist, bins, f, constraint, node_has_missing, best);
    }
    if (best.Valid()) {
      best.threshold = best.split_bin == SplitCandidate::kNoBinLeft
                           ? cuts.min_values[f]
                           : cuts.cut_values[cuts.cut_ptrs[f] + best.split_bin];
    }
    return best;
  }

  void SlowScan(const SplitTask& task, const GradientSum* hist, std::uint32_t bins,
                std::uint32_t f, int constraint, bool node_has_missing,
                SplitCandidate& best) const {
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
