// tests/metrics/metric_test_util.h — building MetricInputs in the metric tests.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "grove/metrics.h"

namespace grove::test {

/// Owns the arrays a MetricInput views.
struct MetricCase {
  std::vector<float> predictions;
  std::vector<float> labels;
  std::vector<float> weights;
  std::vector<std::uint32_t> groups;
  std::size_t num_outputs = 1;

  MetricCase() = default;
  MetricCase(std::vector<float> p, std::vector<float> y, std::vector<float> w = {},
             std::vector<std::uint32_t> g = {}, std::size_t outputs = 1)
      : predictions(std::move(p)),
        labels(std::move(y)),
        weights(std::move(w)),
        groups(std::move(g)),
        num_outputs(outputs) {}

  MetricInput Input() const {
    MetricInput in;
    in.predictions = predictions;
    in.labels = labels;
    in.weights = weights;
    in.groups = groups;
    in.num_outputs = num_outputs;
    return in;
  }
};

inline double Evaluate(std::string_view name, const MetricCase& c) {
  return CreateMetric(name)->Evaluate(c.Input());
}

}  // namespace grove::test
