// metrics/groups.h — query groups of the ranking metrics (ndcg, map, and auc/aucpr with groups).
//
// XGBoost weights ranking data per query group. MetricInput.weights may hold one weight per
// group, or one per row that is equal within each group (what a loader that repeats the group
// weight on every row produces). Group metrics are combined as Σ w_g·m_g / Σ w_g over the groups
// where m_g is defined; with unit weights this is XGBoost 1.7.4's plain mean (1.7.4 ignores
// weights in its ranking metrics; XGBoost 2.x weights them like this).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "grove/metrics.h"
#include "metrics/common.h"

namespace grove::metric_impl {

struct QueryGroups {
  std::vector<std::uint32_t> ptr;  ///< boundaries: group g is rows [ptr[g], ptr[g + 1])
  std::vector<double> weight;      ///< one per group

  std::size_t size() const { return ptr.size() - 1; }
  std::size_t Begin(std::size_t g) const { return ptr[g]; }
  std::size_t Rows(std::size_t g) const { return ptr[g + 1] - ptr[g]; }
};

/// One document of a group, as the ranking metrics sort them.
struct Doc {
  float score;
  float label;
};

/// Checks MetricInput.groups (empty = all rows form one group) and the weights (per group, or
/// per row and equal within each group); throws InvalidInput naming `metric`.
QueryGroups ResolveGroups(std::string_view metric, const MetricInput& input, std::size_t rows);

/// Copies group g's (score, label) pairs, in row order, into `docs`.
inline void LoadGroup(const MetricInput& input, const QueryGroups& groups, std::size_t g,
                      std::vector<Doc>& docs) {
  const std::size_t begin = groups.Begin(g);
  docs.resize(groups.Rows(g));
  for (std::size_t i = 0; i < docs.size(); ++i) {
    docs[i] = Doc{input.predictions[begin + i], input.labels[begin + i]};
  }
}

/// Σ w_g·m_g / Σ w_g over the groups whose value m_g is not NaN, in group order; NaN when none
/// (or when their weights sum to 0).
inline double CombineGroups(std::span<const double> weight, std::span<const double> values) {
  double sum = 0, weight_sum = 0;
  for (std::size_t g = 0; g < values.size(); ++g) {
    if (std::isnan(values[g])) continue;
    sum += weight[g] * values[g];
    weight_sum += weight[g];
  }
  return weight_sum > 0.0 ? sum / weight_sum : std::numeric_limits<double>::quiet_NaN();
}

/// Σ w_g·value(g) / Σ w_g over the groups whose value is not NaN; NaN when none (or when their
/// weights sum to 0). value(g, scratch) runs in parallel over groups; the sum is in group order.
template <class ValueFn>
double GroupMean(const QueryGroups& groups, ValueFn&& value) {
  constexpr std::size_t kGroupsPerTask = 64;
  const std::size_t n = groups.size();
  std::vector<double> values(n);
  const std::size_t tasks = (n + kGroupsPerTask - 1) / kGroupsPerTask;
  ForEachIndex(tasks, true, [&](std::size_t task) {
    std::vector<Doc> scratch;
    const std::size_t end = std::min(n, (task + 1) * kGroupsPerTask);
    for (std::size_t g = task * kGroupsPerTask; g < end; ++g) values[g] = value(g, scratch);
  });
  return CombineGroups(groups.weight, values);
}

}  // namespace grove::metric_impl
