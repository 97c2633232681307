// metrics/row_form.h — which metrics a device can evaluate with the host's own row terms.
//
//   std::unique_ptr<Metric> m = CreateMetric("error@0.3");
//   std::optional<RowMetric> form = RowFormOf(*m);   // kError, threshold 0.3f
//   // Σ w·RowTerm(form, ...) / Σ w in kMetricBlockRows blocks equals m->Evaluate's value
//
// The row-mean metrics (rmse, mse, rmsle, mae, mape, mphe, logloss, error, poisson-nloglik,
// gamma-deviance, gamma-nloglik, tweedie-nloglik, mlogloss, merror, accuracy) have a row form;
// r2 has its two passes' sums (R2Sums) and the class-decision metrics (precision, recall, f1
// and their averages, balanced_accuracy) their class counts (ClassCounts):
//
//   DeviceForm form = DeviceFormOf(*CreateMetric("f1_macro"));
//   double value = form.class_counts(counts, rows);   // counts summed as the host sums them
//
// ndcg and map have their groups' sweeps (RankSweep), finished on the host from constants of
// the labels (RankGroups, FinishRank); auc and aucpr their curves (kernels/common/auc_math.h)
// or, with query groups, per-group sums (FinishGroupAuc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "grove/metrics.h"
#include "kernels/common/metric_math.h"

namespace grove {

/// The row form of a metric made by CreateMetric, with the parameters it was made with;
/// nullopt for metrics that are not a weighted mean of row terms (or not made by grove).
std::optional<RowMetric> RowFormOf(const Metric& metric);

/// A class-decision metric's value from its ClassCounts over `rows` rows.
using ClassCountsFinish = std::function<double(const ClassCounts& counts, std::size_t rows)>;

/// A ranking metric's constants of one set, from its labels and query groups only (so the
/// same every round): the groups' boundaries and weights (metrics/groups.h) and per group
/// FinishRankGroup's `ideal`.
struct RankGroups {
  std::vector<std::uint32_t> ptr;  ///< group g is rows [ptr[g], ptr[g + 1])
  std::vector<double> weight;      ///< one per group
  std::vector<double> ideal;       ///< one per group
  /// auc with query groups: each group's rows by descending label, ties in row order (row
  /// numbers; the order XGBoost's pairwise group AUC walks).
  std::vector<std::uint32_t> label_order;
};

/// Checks the labels, weights and groups of `input` as the metric does (InvalidInput) and
/// returns its RankGroups; predictions are not read.
using RankGroupsMaker = std::function<RankGroups(const MetricInput& input)>;

/// How a metric made by CreateMetric can be evaluated from sums a device computes with the
/// host's own arithmetic (kernels/common/metric_math.h, auc_math.h); exactly one of row, r2,
/// class_counts, rank and auc is set.
struct DeviceForm {
  std::optional<RowMetric> row;    ///< Σ w·RowTerm / Σ w, finished by FinishRowMetric
  bool r2 = false;                 ///< r2: AddR2Row, then R2SpreadTerm, finished by FinishR2
  ClassCountsFinish class_counts;  ///< set for the class-decision metrics
  std::optional<RankMetric> rank;  ///< ndcg, map: RankSweep per group, finished by FinishRank
  /// auc (true) or aucpr (false): without query groups the curves of kernels/common/auc_math.h,
  /// with them PairScore sums or GroupPrArea per group, finished by FinishGroupAuc.
  std::optional<bool> auc;
  RankGroupsMaker rank_groups;  ///< set with rank and auc (for auc: with query groups only)
};

/// A ranking metric's value from each group's RankSweep over its rows by descending score
/// (ties in row order): FinishRankGroup per group, combined as Σ w_g·m_g / Σ w_g in group order.
double FinishRank(const RankMetric& metric, const RankGroups& groups, std::span<const double> sums);

/// auc (roc) or aucpr with query groups from each group's sum: the PairScore sum over the pairs
/// of its rows in label_order (FinishGroupRoc), or its GroupPrArea over its rows by descending
/// score; combined as Σ w_g·m_g / Σ w_g in group order over the groups with a value.
double FinishGroupAuc(bool roc, const RankGroups& groups, std::span<const double> sums);

/// The device form of a metric; empty for metrics without one or not made by grove.
DeviceForm DeviceFormOf(const Metric& metric);

/// Throws the InvalidInput that the metrics which sort by prediction (auc, aucpr, ...) raise
/// for a NaN prediction: "<metric>: prediction at row <row>[, class <output>] is NaN" (the
/// class only when outputs > 1). For device metrics that find the NaN themselves.
[[noreturn]] void ThrowNaNPrediction(std::string_view metric, std::size_t row, std::size_t output,
                                     std::size_t outputs);

}  // namespace grove
