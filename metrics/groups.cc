#include "metrics/groups.h"

#include <fmt/format.h>

#include <limits>

#include "grove/errors.h"

namespace grove::metric_impl {
namespace {

std::vector<std::uint32_t> CheckBoundaries(std::string_view metric,
                                           std::span<const std::uint32_t> groups,
                                           std::size_t rows) {
  if (rows > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidInput(fmt::format("{}: {} rows exceed the supported {} rows", metric, rows,
                                   std::numeric_limits<std::uint32_t>::max()));
  }
  if (groups.empty()) return {0, static_cast<std::uint32_t>(rows)};
  const auto fail = [&](const std::string& what) {
    throw InvalidInput(fmt::format(
        "{}: groups must be query boundaries 0 = g[0] < g[1] < ... < g[last] = {} (the row "
        "count), one more than the number of groups; {}",
        metric, rows, what));
  };
  if (groups.size() < 2 && rows > 0) fail(fmt::format("got {} value(s)", groups.size()));
  if (groups.front() != 0) fail(fmt::format("got g[0] = {}", groups.front()));
  if (groups.back() != rows) fail(fmt::format("got g[{}] = {}", groups.size() - 1, groups.back()));
  for (std::size_t i = 1; i < groups.size(); ++i) {
    if (groups[i] <= groups[i - 1]) {
      fail(fmt::format("got g[{}] = {} after g[{}] = {}", i, groups[i], i - 1, groups[i - 1]));
    }
  }
  return {groups.begin(), groups.end()};
}

void CheckWeight(std::string_view metric, float w, std::string_view where) {
  if (!(std::isfinite(w) && w >= 0.0f)) {
    throw InvalidInput(
        fmt::format("{}: weight {} of {} is not a finite number >= 0", metric, w, where));
  }
}

}  // namespace

QueryGroups ResolveGroups(std::string_view metric, const MetricInput& input, std::size_t rows) {
  QueryGroups groups;
  groups.ptr = CheckBoundaries(metric, input.groups, rows);
  const std::size_t n = groups.ptr.size() - 1;
  const std::span<const float> w = input.weights;
  groups.weight.assign(n, 1.0);
  if (w.empty()) return groups;
  if (w.size() == n) {
    for (std::size_t g = 0; g < n; ++g) {
      CheckWeight(metric, w[g], fmt::format("group {}", g));
      groups.weight[g] = w[g];
    }
    return groups;
  }
  if (w.size() != rows) {
    throw InvalidInput(fmt::format(
        "{}: got {} weights for {} query groups and {} rows; ranking weights are per group (give "
        "{} weights, or {} per-row weights equal within each group)",
        metric, w.size(), n, rows, n, rows));
  }
  for (std::size_t g = 0; g < n; ++g) {
    const std::size_t begin = groups.Begin(g);
    CheckWeight(metric, w[begin], fmt::format("row {}", begin));
    for (std::size_t i = begin + 1; i < groups.ptr[g + 1]; ++i) {
      if (w[i] != w[begin]) {
        throw InvalidInput(fmt::format(
            "{}: ranking weights are per query group, but rows {} and {} of group {} have "
            "weights {} and {} (give one weight per group, or equal weights within each group)",
            metric, begin, i, g, w[begin], w[i]));
      }
    }
    groups.weight[g] = w[begin];
  }
  return groups;
}

}  // namespace grove::metric_impl
