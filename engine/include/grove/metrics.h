// grove/metrics.h — evaluation metrics by XGBoost's names, from one registry.
//
//   auto auc = grove::CreateMetric("auc");            // also "error@0.3", "ndcg@10", ...
//   grove::MetricInput in;
//   in.predictions = probs;                            // transformed predictions, n × outputs
//   in.labels = labels;
//   double value = auc->Evaluate(in);                  // NaN when undefined (see each metric)
//   bool maximize = auc->HigherIsBetter();
//
// Predictions are on the output scale (probabilities for binary/multi-class, the mean for
// count/gamma/tweedie regressions), exactly what XGBoost's metrics receive. Evaluate is const
// and thread-safe; large inputs are evaluated in parallel with a result that does not depend
// on the thread count. Unknown names throw InvalidInput naming the closest valid metric.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace grove {

struct MetricInput {
  std::span<const float> predictions;      ///< n × num_outputs, row-major
  std::span<const float> labels;           ///< n
  std::span<const float> weights;          ///< n, or empty for unit weights
  std::span<const std::uint32_t> groups;   ///< ranking: group boundaries (size groups + 1)
  std::size_t num_outputs = 1;             ///< classes for multi-class probability outputs
};

class Metric {
 public:
  virtual ~Metric() = default;
  /// Canonical name as printed in log lines: "auc", "error@0.3", "tweedie-nloglik@1.5".
  virtual std::string Name() const = 0;
  /// True for metrics to maximise (auc, accuracy, ndcg, map, aucpr).
  virtual bool HigherIsBetter() const = 0;
  virtual double Evaluate(const MetricInput& input) const = 0;
};

/// Creates a metric from its XGBoost name, with an optional `@` parameter where XGBoost has
/// one. Throws InvalidInput for unknown names or bad parameters.
std::unique_ptr<Metric> CreateMetric(std::string_view name);

/// The registered base names, sorted.
std::vector<std::string> MetricNames();

}  // namespace grove
