// metrics/row_form.h — which metrics a device can evaluate with the host's own row terms.
//
//   std::unique_ptr<Metric> m = CreateMetric("error@0.3");
//   std::optional<RowMetric> form = RowFormOf(*m);   // kError, threshold 0.3f
//   // Σ w·RowTerm(form, ...) / Σ w in kMetricBlockRows blocks equals m->Evaluate's value
//
// The row-mean metrics (rmse, mse, rmsle, mae, mape, mphe, logloss, error, poisson-nloglik,
// gamma-deviance, gamma-nloglik, tweedie-nloglik, mlogloss, merror, accuracy) have a form;
// the others (auc, aucpr, ndcg, map, r2, f1, ...) have none.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "grove/metrics.h"
#include "kernels/common/metric_math.h"

namespace grove {

/// The row form of a metric made by CreateMetric, with the parameters it was made with;
/// nullopt for metrics that are not a weighted mean of row terms (or not made by grove).
std::optional<RowMetric> RowFormOf(const Metric& metric);

/// Throws the InvalidInput that the metrics which sort by prediction (auc, aucpr, ...) raise
/// for a NaN prediction: "<metric>: prediction at row <row>[, class <output>] is NaN" (the
/// class only when outputs > 1). For device metrics that find the NaN themselves.
[[noreturn]] void ThrowNaNPrediction(std::string_view metric, std::size_t row, std::size_t output,
                                     std::size_t outputs);

}  // namespace grove
