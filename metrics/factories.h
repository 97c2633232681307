// metrics/factories.h — constructors of every metric, used by the registry (registry.cc) and
// by the engine where a metric needs a parameter XGBoost takes from the objective
// (MakePseudoHuber's slope is reg:pseudohubererror's huber_slope).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "grove/metrics.h"

namespace grove::metric_impl {

// elementwise.cc: weighted means of a per-row loss; one prediction per row.
std::unique_ptr<Metric> MakeRmse();
std::unique_ptr<Metric> MakeMse();
std::unique_ptr<Metric> MakeRmsle();
std::unique_ptr<Metric> MakeMae();
std::unique_ptr<Metric> MakeMape();
std::unique_ptr<Metric> MakeR2();
/// "mphe": slope² (sqrt(1 + ((p - y) / slope)²) - 1); `slope` > 0 (XGBoost's huber_slope).
std::unique_ptr<Metric> MakePseudoHuber(double slope);
std::unique_ptr<Metric> MakeLogLoss();
/// "error@t": a prediction > threshold counts as positive (float compare, as XGBoost).
std::unique_ptr<Metric> MakeError(float threshold);
std::unique_ptr<Metric> MakePoissonNLogLik();
std::unique_ptr<Metric> MakeGammaDeviance();
std::unique_ptr<Metric> MakeGammaNLogLik();
/// "tweedie-nloglik@rho", rho in [1, 2).
std::unique_ptr<Metric> MakeTweedieNLogLik(double rho);

// classification.cc: class decisions (p > 0.5 or argmax) and multi-class log loss.
std::unique_ptr<Metric> MakeAccuracy();
std::unique_ptr<Metric> MakeMError();
std::unique_ptr<Metric> MakeMLogLoss();
std::unique_ptr<Metric> MakeBalancedAccuracy();
enum class Score { kPrecision, kRecall, kF1 };
enum class Average { kBinary, kMacro, kMicro };
/// scikit-learn's precision/recall/f1 with `average` ("precision", "f1_macro", ...).
std::unique_ptr<Metric> MakeClassScore(std::string name, Score score, Average average);

// auc.cc
std::unique_ptr<Metric> MakeRocAuc();
std::unique_ptr<Metric> MakePrAuc();

// ranking.cc: `top_k` = 0 means the whole list; `minus` scores a group without relevant
// documents 0 instead of 1 ("ndcg-").
std::unique_ptr<Metric> MakeNdcg(std::uint32_t top_k, bool minus);
std::unique_ptr<Metric> MakeMap(std::uint32_t top_k, bool minus);

}  // namespace grove::metric_impl
