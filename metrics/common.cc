#include "metrics/common.h"

#include <fmt/format.h>

#include <cmath>

#include "grove/errors.h"
#include "metrics/row_form.h"

namespace grove::metric_impl {
namespace {

void CheckOutputs(std::string_view metric, std::size_t outputs, Outputs expected,
                  std::string_view hint) {
  if (outputs == 0) {
    throw InvalidInput(
        fmt::format("{}: num_outputs is 0; expected 1 (one prediction per row) "
                    "or the number of classes",
                    metric));
  }
  if (expected == Outputs::kOne && outputs != 1) {
    throw InvalidInput(fmt::format(
        "{}: expects one prediction per row (num_outputs = 1), got num_outputs = {}; {}", metric,
        outputs, hint));
  }
  if (expected == Outputs::kMany && outputs < 2) {
    throw InvalidInput(
        fmt::format("{}: expects class probabilities (num_outputs >= 2), got num_outputs = 1; {}",
                    metric, hint));
  }
}

}  // namespace

std::size_t CheckShapes(std::string_view metric, const MetricInput& input, Outputs outputs,
                        std::string_view hint, bool per_row_weights) {
  CheckOutputs(metric, input.num_outputs, outputs, hint);
  const std::size_t rows = input.labels.size();
  if (input.predictions.size() / input.num_outputs != rows ||
      input.predictions.size() % input.num_outputs != 0) {
    throw InvalidInput(fmt::format(
        "{}: got {} predictions for {} labels with num_outputs = {}; expected {} "
        "(rows × num_outputs, row-major)",
        metric, input.predictions.size(), rows, input.num_outputs, rows * input.num_outputs));
  }
  if (!per_row_weights) return rows;
  const std::span<const float> weights = input.weights;
  if (!weights.empty() && weights.size() != rows) {
    throw InvalidInput(
        fmt::format("{}: got {} weights for {} rows; expected one per row (or none "
                    "for unit weights)",
                    metric, weights.size(), rows));
  }
  const std::size_t bad = FirstRow(weights.size(), [&](std::size_t i) {
    return !(std::isfinite(weights[i]) && weights[i] >= 0.0f);
  });
  if (bad != weights.size()) {
    throw InvalidInput(fmt::format("{}: weight {} at row {} is not a finite number >= 0", metric,
                                   weights[bad], bad));
  }
  return rows;
}

void CheckNotNaN(std::string_view metric, std::span<const float> predictions, std::size_t outputs) {
  const std::size_t bad =
      FirstRow(predictions.size(), [&](std::size_t i) { return std::isnan(predictions[i]); });
  if (bad == predictions.size()) return;
  ThrowNaNPrediction(metric, bad / outputs, bad % outputs, outputs);
}

void ThrowBadLabel(std::string_view metric, std::size_t row, float label,
                   std::string_view expected) {
  throw InvalidInput(fmt::format("{}: label {} at row {} is not {}", metric, label, row, expected));
}

}  // namespace grove::metric_impl

namespace grove {

void ThrowNaNPrediction(std::string_view metric, std::size_t row, std::size_t output,
                        std::size_t outputs) {
  throw InvalidInput(fmt::format("{}: prediction at row {}{} is NaN", metric, row,
                                 outputs > 1 ? fmt::format(", class {}", output) : ""));
}

DeviceForm DeviceFormOf(const Metric& metric) {
  const auto* function = dynamic_cast<const metric_impl::FunctionMetric*>(&metric);
  if (function == nullptr) return {};
  return function->Form();
}

std::optional<RowMetric> RowFormOf(const Metric& metric) {
  return DeviceFormOf(metric).row;
}

}  // namespace grove
