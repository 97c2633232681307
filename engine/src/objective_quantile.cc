// Quantiles as XGBoost defines them (src/common/stats.h), for reg:absoluteerror's base score
// and adaptive leaves. The arithmetic keeps XGBoost's types (n as double, the weight running
// sum as float) so that leaf values match it bit for bit.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "engine/src/objective.h"
#include "grove/errors.h"

namespace grove::detail {
namespace {

std::vector<std::size_t> StableOrder(std::span<const float> values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t l, std::size_t r) { return values[l] < values[r]; });
  return order;
}

}  // namespace

float Quantile(double alpha, std::span<const float> values) {
  const auto n = static_cast<double>(values.size());
  if (values.empty()) return std::numeric_limits<float>::quiet_NaN();
  const std::vector<std::size_t> order = StableOrder(values);
  auto val = [&](std::size_t i) { return values[order[i]]; };
  if (alpha <= 1 / (n + 1)) return val(0);
  if (alpha >= n / (n + 1)) return val(order.size() - 1);
  // Position alpha (n + 1) in 1-based order statistics, i.e. Hyndman and Fan's type 6.
  const double x = alpha * (n + 1);
  const double k = std::floor(x) - 1;
  const double d = (x - 1) - k;
  const float v0 = val(static_cast<std::size_t>(k));
  const float v1 = val(static_cast<std::size_t>(k) + 1);
  return static_cast<float>(v0 + d * (v1 - v0));
}

float WeightedQuantile(double alpha, std::span<const float> values,
                       std::span<const float> weights) {
  GROVE_CHECK(weights.size() == values.size(), std::to_string(weights.size()) + " weights for " +
                                                   std::to_string(values.size()) + " values");
  if (values.empty()) return std::numeric_limits<float>::quiet_NaN();
  const std::vector<std::size_t> order = StableOrder(values);
  std::vector<float> cdf(values.size());
  cdf[0] = weights[order[0]];
  for (std::size_t i = 1; i < values.size(); ++i) cdf[i] = cdf[i - 1] + weights[order[i]];
  const auto threshold = static_cast<float>(cdf.back() * alpha);
  auto idx =
      static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), threshold) - cdf.begin());
  idx = std::min(idx, values.size() - 1);
  return values[order[idx]];
}

}  // namespace grove::detail
