// ndcg and map as XGBoost 1.7.4 computes them (src/metric/rank_metric.cc, EvalNDCG/EvalMAP):
// each group's documents are stably sorted by score, descending, so equal scores keep their
// row order; the group values are then averaged (weighted per group, see groups.h).
//   ndcg@k: DCG@k / IDCG@k with gain 2^rel - 1 and discount 1 / log2(position + 2); a group with
//           IDCG = 0 (no relevant document in its top k) scores 1, or 0 for "ndcg-".
//   map@k:  Σ_{relevant i < k} hits(i) / (i + 1), divided by the number of relevant documents
//           in the WHOLE group (not capped at k); a group without relevant documents scores 1,
//           or 0 for "map-".
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

void SortByScore(std::vector<Doc>& docs) {
  std::stable_sort(docs.begin(), docs.end(),
                   [](const Doc& a, const Doc& b) { return a.score > b.score; });
}

double Dcg(const std::vector<Doc>& docs, std::size_t top_k) {
  double dcg = 0;
  const std::size_t end = std::min(docs.size(), top_k);
  for (std::size_t i = 0; i < end; ++i) {
    const auto rel = static_cast<unsigned>(docs[i].label);
    if (rel != 0) {
      const auto gain = static_cast<double>((std::uint64_t{1} << rel) - 1);
      dcg += gain / std::log2(static_cast<double>(i) + 2.0);
    }
  }
  return dcg;
}

double GroupNdcg(std::vector<Doc>& docs, std::size_t top_k, bool minus) {
  SortByScore(docs);
  const double dcg = Dcg(docs, top_k);
  std::stable_sort(docs.begin(), docs.end(),
                   [](const Doc& a, const Doc& b) { return a.label > b.label; });
  const double ideal = Dcg(docs, top_k);
  if (ideal == 0.0) return minus ? 0.0 : 1.0;
  return dcg / ideal;
}

double GroupMap(std::vector<Doc>& docs, std::size_t top_k, bool minus) {
  SortByScore(docs);
  std::size_t hits = 0;
  double sum = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (docs[i].label != 0.0f) {
      ++hits;
      if (i < top_k) sum += static_cast<double>(hits) / static_cast<double>(i + 1);
    }
  }
  if (hits == 0) return minus ? 0.0 : 1.0;
  return sum / static_cast<double>(hits);
}

enum class RankKind { kNdcg, kMap };

std::unique_ptr<Metric> MakeRank(RankKind kind, std::uint32_t top_k, bool minus) {
  const char* base = kind == RankKind::kNdcg ? "ndcg" : "map";
  std::string name = top_k == 0 ? std::string(base) : fmt::format("{}@{}", base, top_k);
  if (minus) name += '-';
  const std::size_t k = top_k == 0 ? std::numeric_limits<std::size_t>::max() : top_k;
  return MakeMetric(name, true, [name, kind, k, minus](const MetricInput& in) {
    const std::size_t rows =
        CheckShapes(name, in, Outputs::kOne, "ranking metrics need one score per row", false);
    const float max_label =
        kind == RankKind::kNdcg ? kMaxRelevance : std::numeric_limits<float>::max();
    CheckLabels(
        name, in.labels,
        [max_label](float y) { return y >= 0.0f && y <= max_label && y == std::floor(y); },
        kind == RankKind::kNdcg ? "an integer relevance grade in [0, 31]"
                                : "an integer relevance grade >= 0 (0 = not relevant)");
    const QueryGroups groups = ResolveGroups(name, in, rows);
    if (rows == 0) return kNaN;
    CheckNotNaN(name, in.predictions, 1);
    return GroupMean(groups, [&](std::size_t g, std::vector<Doc>& docs) {
      LoadGroup(in, groups, g, docs);
      return kind == RankKind::kNdcg ? GroupNdcg(docs, k, minus) : GroupMap(docs, k, minus);
    });
  });
}

}  // namespace

std::unique_ptr<Metric> MakeNdcg(std::uint32_t top_k, bool minus) {
  return MakeRank(RankKind::kNdcg, top_k, minus);
}

std::unique_ptr<Metric> MakeMap(std::uint32_t top_k, bool minus) {
  return MakeRank(RankKind::kMap, top_k, minus);
}

}  // namespace grove::metric_impl
