// Class-decision metrics: a row's predicted class is p > 0.5 (one output) or the first argmax
// (num_outputs >= 2), as XGBoost's merror and the SageMaker container's accuracy/f1/... do;
// precision/recall/f1/balanced accuracy follow scikit-learn 1.2 (sample_weight semantics,
// zero_division -> 0, macro averages over the classes present in labels or predictions).
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "metrics/common.h"
#include "metrics/factories.h"

namespace grove::metric_impl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t PredictedClass(const float* row, std::size_t outputs) {
  return detail::PredictedClassOf(row, outputs);
}

/// Σ w·RowTerm / Σ w of a class kind (metric_math.h, shared with the device twin).
double ClassMean(const MetricInput& in, std::size_t rows, const RowMetric& form) {
  const std::size_t k = in.num_outputs;
  const auto s = SumRows<2>(rows, [&](std::size_t i, std::array<double, 2>& acc) {
    const double w = WeightAt(in.weights, i);
    acc[0] += w * RowTerm(form, in.predictions.data() + i * k, k, in.labels[i]);
    acc[1] += w;
  });
  return FinishRowMetric(form, s[0], s[1]);
}

RowMetric ClassForm(RowMetricKind kind) {
  RowMetric form;
  form.kind = kind;
  return form;
}

/// Labels must be 0/1 (one output) or an integer class in [0, outputs).
void CheckClassLabels(std::string_view metric, std::span<const float> labels, std::size_t outputs) {
  const float classes = outputs == 1 ? 2.0f : static_cast<float>(outputs);
  const std::string expected =
      outputs == 1 ? std::string("0 or 1") : fmt::format("an integer class in [0, {})", outputs);
  CheckLabels(
      metric, labels, [classes](float y) { return y >= 0.0f && y < classes && y == std::floor(y); },
      expected);
}

std::size_t CheckClassInput(std::string_view metric, const MetricInput& in, Outputs outputs,
                            std::string_view hint) {
  const std::size_t rows = CheckShapes(metric, in, outputs, hint);
  CheckClassLabels(metric, in.labels, in.num_outputs);
  return rows;
}

/// The weighted per-class counts (kernels/common/metric_math.h's ClassCounts).
ClassCounts CountClasses(const MetricInput& in, std::size_t rows) {
  const std::size_t outputs = in.num_outputs;
  const std::size_t classes = ClassesOf(outputs);
  std::vector<ClassCounts> partial(NumBlocks(rows));
  ForBlocks(rows, [&](std::size_t block, std::size_t begin, std::size_t end) {
    ClassCounts counts(classes);
    for (std::size_t i = begin; i < end; ++i) {
      const auto label = static_cast<std::size_t>(in.labels[i]);
      const std::size_t pred = PredictedClass(in.predictions.data() + i * outputs, outputs);
      const double w = WeightAt(in.weights, i);
      counts.hit[label] += label == pred ? w : 0.0;
      counts.truth[label] += w;
      counts.predicted[pred] += w;
      counts.seen[label] = counts.seen[pred] = 1;
    }
    partial[block] = std::move(counts);
  });
  ClassCounts total(classes);
  for (const ClassCounts& counts : partial) total.Add(counts);
  return total;
}

double Ratio(double num, double den) {
  return den > 0.0 ? num / den : 0.0;
}

/// scikit-learn's F-beta with beta = 1, 0 when precision + recall is 0.
double F1(double precision, double recall) {
  const double den = precision + recall;
  return 2.0 * precision * recall / (den == 0.0 ? 1.0 : den);
}

double ScoreOf(Score score, double hit, double truth, double predicted) {
  const double precision = Ratio(hit, predicted);
  const double recall = Ratio(hit, truth);
  switch (score) {
    case Score::kPrecision:
      return precision;
    case Score::kRecall:
      return recall;
    case Score::kF1:
      return F1(precision, recall);
  }
  return kNaN;
}

double AverageScore(const ClassCounts& counts, Score score, Average average) {
  const std::size_t classes = counts.hit.size();
  if (average == Average::kBinary) {
    return ScoreOf(score, counts.hit[1], counts.truth[1], counts.predicted[1]);
  }
  if (average == Average::kMicro) {
    double hit = 0, truth = 0, predicted = 0;
    for (std::size_t c = 0; c < classes; ++c) {
      hit += counts.hit[c];
      truth += counts.truth[c];
      predicted += counts.predicted[c];
    }
    return ScoreOf(score, hit, truth, predicted);
  }
  double sum = 0;
  std::size_t present = 0;
  for (std::size_t c = 0; c < classes; ++c) {
    if (!counts.seen[c]) continue;
    sum += ScoreOf(score, counts.hit[c], counts.truth[c], counts.predicted[c]);
    ++present;
  }
  return present == 0 ? kNaN : sum / static_cast<double>(present);
}

double TotalWeight(const ClassCounts& counts) {
  double total = 0;
  for (double t : counts.truth) total += t;
  return total;
}

}  // namespace

std::unique_ptr<Metric> MakeAccuracy() {
  const RowMetric form = ClassForm(RowMetricKind::kAccuracy);
  return MakeRowMetric("accuracy", true, form, [form](const MetricInput& in) {
    return ClassMean(in, CheckClassInput("accuracy", in, Outputs::kAny, ""), form);
  });
}

std::unique_ptr<Metric> MakeMError() {
  const RowMetric form = ClassForm(RowMetricKind::kMultiError);
  return MakeRowMetric("merror", false, form, [form](const MetricInput& in) {
    return ClassMean(
        in, CheckClassInput("merror", in, Outputs::kMany, "use error for binary output"), form);
  });
}

std::unique_ptr<Metric> MakeMLogLoss() {
  // XGBoost: -log(p[label]) with p clipped below at eps = 1e-16 (metric_math.h).
  const RowMetric form = ClassForm(RowMetricKind::kMultiLogLoss);
  return MakeRowMetric("mlogloss", false, form, [form](const MetricInput& in) {
    return ClassMean(
        in, CheckClassInput("mlogloss", in, Outputs::kMany, "use logloss for binary output"), form);
  });
}

std::unique_ptr<Metric> MakeBalancedAccuracy() {
  DeviceForm form;
  form.class_counts = [](const ClassCounts& counts, std::size_t) {
    // Mean recall over the classes with labels (scikit-learn drops the others with a warning).
    double sum = 0;
    std::size_t classes = 0;
    for (std::size_t c = 0; c < counts.truth.size(); ++c) {
      if (counts.truth[c] > 0.0) {
        sum += counts.hit[c] / counts.truth[c];
        ++classes;
      }
    }
    return classes == 0 ? kNaN : sum / static_cast<double>(classes);
  };
  return MakeMetric(
      "balanced_accuracy", true,
      [finish = form.class_counts](const MetricInput& in) {
        const std::size_t rows = CheckClassInput("balanced_accuracy", in, Outputs::kAny, "");
        return finish(CountClasses(in, rows), rows);
      },
      form);
}

std::unique_ptr<Metric> MakeClassScore(std::string name, Score score, Average average) {
  const Outputs outputs = average == Average::kBinary ? Outputs::kOne : Outputs::kAny;
  const std::string hint = score == Score::kF1 ? "use f1 (macro) or f1_macro for multi-class output"
                           : score == Score::kPrecision
                               ? "use precision_macro or precision_micro for multi-class output"
                               : "use recall_macro or recall_micro for multi-class output";
  DeviceForm form;
  form.class_counts = [score, average](const ClassCounts& counts, std::size_t rows) {
    if (rows == 0 || !(TotalWeight(counts) > 0.0)) return kNaN;
    return AverageScore(counts, score, average);
  };
  return MakeMetric(
      name, true,
      [name, outputs, hint, finish = form.class_counts](const MetricInput& in) {
        const std::size_t rows = CheckClassInput(name, in, outputs, hint);
        return finish(CountClasses(in, rows), rows);
      },
      form);
}

}  // namespace grove::metric_impl
