// auc and aucpr as XGBoost 1.7.4 computes them (src/metric/auc.cc):
//   - binary: rows sorted by score, each run of equal scores closes one segment (a trapezoid
//     for ROC, so ties score as in scikit-learn's roc_auc_score); a row with label y and weight
//     w counts y·w as positive and (1 - y)·w as negative;
//   - multi-class: one-vs-rest per class; ROC AUCs averaged weighted by the class's positive
//     weight (prevalence), PR AUCs averaged plainly; NaN if any class lacks positives or
//     negatives;
//   - query groups: per-group pairwise ROC AUC (groups under 3 rows skipped) or PR AUC (groups
//     without positives or negatives skipped), averaged over groups (see groups.h).
// NaN when undefined: no rows, or only one class.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

#include "kernels/common/auc_math.h"
#include "metrics/common.h"
#include "metrics/factories.h"
#include "metrics/groups.h"
#include "metrics/score_order.h"

namespace grove::metric_impl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The sweeps' view of a sorted record (kernels/common/auc_math.h).
struct SortedRow {
  const ScoreOrder& order;
  RocRow operator()(std::size_t i) const {
    const ScoredRow& r = order[i];
    return RocRow{r.key, r.label, r.weight};
  }
};

/// One binary problem over rows sorted by score, in fixed blocks that do not split ties.
class SortedProblem {
 public:
  explicit SortedProblem(const ScoreOrder& order)
      : order_(order), bounds_(order.TieAlignedBlocks(kAucBlockRows)) {}

  /// Totals and ROC area: kernels/common/auc_math.h's sweep per block, blocks added in order
  /// (the device's RocCurvesOf adds the same blocks the same way).
  RocCurve Roc() const {
    std::vector<RocCurve> part(Blocks());
    ForEachIndex(Blocks(), Parallel(), [&](std::size_t b) { part[b] = SweepRoc(b); });
    RocCurve total;
    for (const RocCurve& c : part) AddRocBlock(total, c);
    return total;
  }

  /// PR area: block totals first, then each block sweeps from its prefix (fp, tp) (the device's
  /// PrCurvesOf does the same steps).
  double Pr() const {
    std::vector<RocCurve> sums(Blocks());
    ForEachIndex(Blocks(), Parallel(), [&](std::size_t b) { sums[b] = SweepRoc(b); });
    std::vector<RocCurve> start(Blocks());  // the totals before block b
    RocCurve totals;
    for (std::size_t b = 0; b < Blocks(); ++b) {
      start[b] = totals;
      totals.neg += sums[b].neg;
      totals.pos += sums[b].pos;
    }
    if (std::isnan(FinishPr(0.0, totals))) return kNaN;
    std::vector<double> area(Blocks());
    ForEachIndex(Blocks(), Parallel(), [&](std::size_t b) {
      area[b] = SweepPr(bounds_[b], bounds_[b + 1], start[b].neg, start[b].pos, totals.pos, Row());
    });
    double total = 0;
    for (double a : area) total += a;
    return total;
  }

 private:
  std::size_t Blocks() const { return bounds_.size() - 1; }
  bool Parallel() const { return order_.size() >= kParallelRows; }
  SortedRow Row() const { return SortedRow{order_}; }
  RocCurve SweepRoc(std::size_t b) const {
    return grove::SweepRoc(bounds_[b], bounds_[b + 1], Row());
  }

  const ScoreOrder& order_;
  std::vector<std::size_t> bounds_;
};

double BinaryAuc(const MetricInput& in, bool roc) {
  ScoreOrder order;
  order.Sort(roc ? "auc" : "aucpr", in.predictions, 1, 0, in.labels, in.weights, -1);
  const SortedProblem problem(order);
  if (!roc) return problem.Pr();
  return FinishRoc(problem.Roc());
}

double MultiClassAuc(const MetricInput& in, bool roc) {
  const std::size_t classes = in.num_outputs;
  ScoreOrder order;
  OneVsRestRoc ovr;   // shared with the device's evaluation (auc_math.h)
  double pr_sum = 0;  // PR AUCs: a plain mean
  for (std::size_t c = 0; c < classes; ++c) {
    order.Sort(roc ? "auc" : "aucpr", in.predictions, classes, c, in.labels, in.weights,
               static_cast<int>(c));
    const SortedProblem problem(order);
    if (roc) {
      ovr.Add(problem.Roc());
      if (ovr.Undefined()) return kNaN;
    } else {
      const double area = problem.Pr();
      if (std::isnan(area)) return kNaN;
      pr_sum += area;
    }
  }
  return roc ? ovr.Finish() : pr_sum / static_cast<double>(classes);
}

/// Each group's rows by descending label, ties in row order: the order XGBoost's
/// GroupRankingROC walks (labels only, so a device can keep it for the whole job).
std::vector<std::uint32_t> LabelOrder(const MetricInput& in, const QueryGroups& groups) {
  std::vector<std::uint32_t> order(in.labels.size());
  ForEachIndex(groups.size(), in.labels.size() >= kParallelRows, [&](std::size_t g) {
    const auto begin = order.begin() + groups.Begin(g);
    const auto end = begin + groups.Rows(g);
    std::iota(begin, end, static_cast<std::uint32_t>(groups.Begin(g)));
    std::stable_sort(begin, end,
                     [&](std::uint32_t a, std::uint32_t b) { return in.labels[a] > in.labels[b]; });
  });
  return order;
}

/// XGBoost's GroupRankingROC: documents sorted by label (descending, stable), then every pair
/// (i before j) scores PairScore(score_i, score_j), pairs of equal labels included.
double GroupRoc(std::vector<Doc>& docs) {
  if (docs.size() < 3) return kNaN;
  std::stable_sort(docs.begin(), docs.end(),
                   [](const Doc& a, const Doc& b) { return a.label > b.label; });
  double sum = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    for (std::size_t j = i + 1; j < docs.size(); ++j)
      sum += PairScore(docs[i].score, docs[j].score);
  }
  return FinishGroupRoc(sum, docs.size());
}

double GroupPr(std::vector<Doc>& docs) {
  std::stable_sort(docs.begin(), docs.end(),
                   [](const Doc& a, const Doc& b) { return a.score > b.score; });
  return GroupPrArea(
      docs.size(), [&](std::size_t i) { return docs[i].label; },
      [&](std::size_t i) { return docs[i].score == docs[i - 1].score; });
}

/// The label checks of auc/aucpr with query groups.
void CheckGroupLabels(const char* name, bool roc, std::span<const float> labels) {
  if (roc) {
    CheckLabels(
        name, labels, [](float y) { return std::isfinite(y); }, "a finite number");
  } else {
    CheckLabels(
        name, labels, [](float y) { return y >= 0.0f && y <= 1.0f; },
        "in [0, 1] (aucpr with query groups needs binary relevance)");
  }
}

double RankingAuc(const MetricInput& in, bool roc) {
  const char* name = roc ? "auc" : "aucpr";
  const std::size_t rows =
      CheckShapes(name, in, Outputs::kOne, "query groups need one score per row", false);
  CheckGroupLabels(name, roc, in.labels);
  const QueryGroups groups = ResolveGroups(name, in, rows);
  if (rows == 0) return kNaN;
  CheckNotNaN(name, in.predictions, 1);
  return GroupMean(groups, [&](std::size_t g, std::vector<Doc>& docs) {
    LoadGroup(in, groups, g, docs);
    return roc ? GroupRoc(docs) : GroupPr(docs);
  });
}

double EvaluateAuc(const MetricInput& in, bool roc) {
  if (!in.groups.empty()) return RankingAuc(in, roc);
  const char* name = roc ? "auc" : "aucpr";
  const std::size_t rows = CheckShapes(name, in, Outputs::kAny, "");
  const std::size_t k = in.num_outputs;
  if (k == 1) {
    CheckLabels(
        name, in.labels, [](float y) { return y >= 0.0f && y <= 1.0f; },
        "in [0, 1] (a 0/1 class or a probability)");
  } else {
    CheckLabels(
        name, in.labels,
        [k](float y) { return y >= 0.0f && y < static_cast<float>(k) && y == std::floor(y); },
        fmt::format("an integer class in [0, {})", k));
  }
  if (rows == 0) return kNaN;
  CheckNotNaN(name, in.predictions, k);
  return k == 1 ? BinaryAuc(in, roc) : MultiClassAuc(in, roc);
}

/// The device form: ROC (true) or PR, and with query groups their constants.
DeviceForm AucForm(bool roc) {
  DeviceForm form;
  form.auc = roc;
  form.rank_groups = [roc](const MetricInput& in) {
    const char* name = roc ? "auc" : "aucpr";
    CheckGroupLabels(name, roc, in.labels);
    const QueryGroups groups = ResolveGroups(name, in, in.labels.size());
    RankGroups result{groups.ptr, groups.weight, {}, {}};
    if (roc) result.label_order = LabelOrder(in, groups);
    return result;
  };
  return form;
}

}  // namespace

std::unique_ptr<Metric> MakeRocAuc() {
  return MakeMetric(
      "auc", true, [](const MetricInput& in) { return EvaluateAuc(in, true); }, AucForm(true));
}

std::unique_ptr<Metric> MakePrAuc() {
  return MakeMetric(
      "aucpr", true, [](const MetricInput& in) { return EvaluateAuc(in, false); }, AucForm(false));
}

}  // namespace grove::metric_impl

namespace grove {

double FinishGroupAuc(bool roc, const RankGroups& groups, std::span<const double> sums) {
  std::vector<double> values(sums.size());
  for (std::size_t g = 0; g < sums.size(); ++g) {
    values[g] = roc ? FinishGroupRoc(sums[g], groups.ptr[g + 1] - groups.ptr[g]) : sums[g];
  }
  return metric_impl::CombineGroups(groups.weight, values);
}

}  // namespace grove
