// ndcg and map as XGBoost 1.7.4 computes them (src/metric/rank_metric.cc, EvalNDCG/EvalMAP):
// each group's documents are stably sorted by score, descending, so equal scores keep their
// row order; the group values are then averaged (weighted per group, see groups.h).
//   ndcg@k: DCG@k / IDCG@k with gain 2^rel - 1 and discount 1 / log2(position + 2); a group with
//           IDCG = 0 (no relevant document in its top k) scores 1, or 0 for "ndcg-".
//   map@k:  Σ_{relevant i < k} hits(i) / (i + 1), divided by the number of relevant documents
//           in the WHOLE group (not capped at k); a group without relevant documents scores 1,
//           or 0 for "map-".
// The per-group sweep and finish are kernels/common/metric_math.h's (RankSweep,
// FinishRankGroup), which the device's twin shares; the label-only part of each group (IDCG,
// relevant count) is RankGroups' `ideal`.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "metrics/common.h"
#include "metrics/factories.h"
#include "metrics/groups.h"

namespace grove::metric_impl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// Largest relevance grade: 2^31 - 1 is the largest gain XGBoost's int arithmetic can form.
constexpr float kMaxRelevance = 31.0f;

double Sweep(const RankMetric& m, const std::vector<Doc>& docs) {
  return RankSweep(
      m, docs.size(), [&docs](std::size_t i) { return docs[i].label; }, RankDiscount);
}

/// The group's FinishRankGroup constant; reorders `docs`.
double Ideal(const RankMetric& m, std::vector<Doc>& docs) {
  if (m.kind == RankKind::kMap) {
    return static_cast<double>(
        std::count_if(docs.begin(), docs.end(), [](const Doc& d) { return d.label != 0.0f; }));
  }
  std::stable_sort(docs.begin(), docs.end(),
                   [](const Doc& a, const Doc& b) { return a.label > b.label; });
  return Sweep(m, docs);
}

double GroupValue(const RankMetric& m, std::vector<Doc>& docs) {
  std::stable_sort(docs.begin(), docs.end(),
                   [](const Doc& a, const Doc& b) { return a.score > b.score; });
  const double sum = Sweep(m, docs);
  return FinishRankGroup(m, sum, Ideal(m, docs));
}

/// Labels must be relevance grades.
void CheckRankLabels(const std::string& name, const RankMetric& m, std::span<const float> labels) {
  const float max_label =
      m.kind == RankKind::kNdcg ? kMaxRelevance : std::numeric_limits<float>::max();
  CheckLabels(
      name, labels,
      [max_label](float y) { return y >= 0.0f && y <= max_label && y == std::floor(y); },
      m.kind == RankKind::kNdcg ? "an integer relevance grade in [0, 31]"
                                : "an integer relevance grade >= 0 (0 = not relevant)");
}

std::unique_ptr<Metric> MakeRank(RankKind kind, std::uint32_t top_k, bool minus) {
  const char* base = kind == RankKind::kNdcg ? "ndcg" : "map";
  std::string name = top_k == 0 ? std::string(base) : fmt::format("{}@{}", base, top_k);
  if (minus) name += '-';
  const RankMetric m{kind, top_k == 0 ? std::numeric_limits<std::size_t>::max() : top_k, minus};
  DeviceForm form;
  form.rank = m;
  form.rank_groups = [name, m](const MetricInput& in) {
    const std::size_t rows = in.labels.size();
    CheckRankLabels(name, m, in.labels);
    const QueryGroups groups = ResolveGroups(name, in, rows);
    RankGroups result{groups.ptr, groups.weight, std::vector<double>(groups.size()), {}};
    ForEachIndex(groups.size(), rows >= kParallelRows, [&](std::size_t g) {
      std::vector<Doc> docs(groups.Rows(g));  // labels only: there are no predictions
      for (std::size_t i = 0; i < docs.size(); ++i) {
        docs[i] = Doc{0.0f, in.labels[groups.Begin(g) + i]};
      }
      result.ideal[g] = Ideal(m, docs);
    });
    return result;
  };
  return MakeMetric(
      name, true,
      [name, m](const MetricInput& in) {
        const std::size_t rows =
            CheckShapes(name, in, Outputs::kOne, "ranking metrics need one score per row", false);
        CheckRankLabels(name, m, in.labels);
        const QueryGroups groups = ResolveGroups(name, in, rows);
        if (rows == 0) return kNaN;
        CheckNotNaN(name, in.predictions, 1);
        return GroupMean(groups, [&](std::size_t g, std::vector<Doc>& docs) {
          LoadGroup(in, groups, g, docs);
          return GroupValue(m, docs);
        });
      },
      form);
}

}  // namespace

std::unique_ptr<Metric> MakeNdcg(std::uint32_t top_k, bool minus) {
  return MakeRank(RankKind::kNdcg, top_k, minus);
}

std::unique_ptr<Metric> MakeMap(std::uint32_t top_k, bool minus) {
  return MakeRank(RankKind::kMap, top_k, minus);
}

}  // namespace grove::metric_impl

namespace grove {

double FinishRank(const RankMetric& metric, const RankGroups& groups,
                  std::span<const double> sums) {
  std::vector<double> values(sums.size());
  for (std::size_t g = 0; g < sums.size(); ++g) {
    values[g] = FinishRankGroup(metric, sums[g], groups.ideal[g]);
  }
  return metric_impl::CombineGroups(groups.weight, values);
}

}  // namespace grove
