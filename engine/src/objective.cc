// The objectives by XGBoost name. One class covers the single-output objectives (they differ
// only in the per-row math of kernels/common/objective_math.h, the label domain, the link and
// the default metric); reg:absoluteerror adds median-based base score and adaptive leaves;
// multi:* is its own class. Formulas, defaults and base-score rules are listed per objective in
// docs/objectives.md.
#include "engine/src/objective.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "grove/errors.h"
#include "kernels/gradient.h"

namespace grove {
namespace {

// Labels each objective accepts; every objective also requires finite labels.
enum class LabelDomain {
  kAny,
  kUnitInterval,   // [0, 1]: logistic losses read labels as probabilities
  kZeroOrOne,      // binary:hinge
  kNonNegative,    // count:poisson, reg:tweedie
  kPositive,       // reg:gamma
  kAboveMinusOne,  // reg:squaredlogerror: log1p(label) must exist
  kClassIndex,     // multi:*: 0, 1, ..., num_class - 1
};

bool InDomain(LabelDomain domain, float y, int num_class) {
  switch (domain) {
    case LabelDomain::kAny:
      return true;
    case LabelDomain::kUnitInterval:
      return y >= 0.0f && y <= 1.0f;
    case LabelDomain::kZeroOrOne:
      return y == 0.0f || y == 1.0f;
    case LabelDomain::kNonNegative:
      return y >= 0.0f;
    case LabelDomain::kPositive:
      return y > 0.0f;
    case LabelDomain::kAboveMinusOne:
      return y > -1.0f;
    case LabelDomain::kClassIndex:
      return y >= 0.0f && y < static_cast<float>(num_class) && std::floor(y) == y;
  }
  return false;
}

std::string DomainText(LabelDomain domain, int num_class) {
  switch (domain) {
    case LabelDomain::kAny:
      return "finite";
    case LabelDomain::kUnitInterval:
      return "in [0, 1]";
    case LabelDomain::kZeroOrOne:
      return "0 or 1";
    case LabelDomain::kNonNegative:
      return ">= 0";
    case LabelDomain::kPositive:
      return "> 0";
    case LabelDomain::kAboveMinusOne:
      return "> -1";
    case LabelDomain::kClassIndex:
      return fmt::format("an integer in [0, {}) (num_class = {})", num_class, num_class);
  }
  return "";
}

// Throws for the first row (1-based in the message) whose label is not finite or not in the
// domain. One pass over the labels: cheap next to a boosting round.
void CheckLabelDomain(std::string_view objective, LabelDomain domain, int num_class,
                      std::span<const float> labels) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const float y = labels[i];
    if (!std::isfinite(y)) {
      throw LabelError(fmt::format(
                           "label {} at row {} is not a finite number; {} needs a label on every "
                           "row (drop the row or fill in its label)",
                           y, i + 1, objective),
                       "", i);
    }
    if (!InDomain(domain, y, num_class)) {
      throw LabelError(fmt::format("label {} at row {} is not {} as {} requires", y, i + 1,
                                   DomainText(domain, num_class), objective),
                       "", i);
    }
  }
}

// How base_score (output space) maps to a margin.
enum class Link { kIdentity, kLogit, kLog };

float LinkMargin(Link link, std::string_view objective, float base_score) {
  switch (link) {
    case Link::kIdentity:
      return base_score;
    case Link::kLogit:
      if (!(base_score > 0.0f && base_score < 1.0f)) {
        throw InvalidInput(fmt::format(
            "base_score {} is not in (0, 1) as {} requires (it is a probability); set it "
            "inside (0, 1) or leave it unset to estimate it from the labels",
            base_score, objective));
      }
      return -std::log(1.0f / base_score - 1.0f);  // XGBoost's float expression, same bits
    case Link::kLog:
      if (!(base_score > 0.0f) || !std::isfinite(base_score)) {
        throw InvalidInput(fmt::format(
            "base_score {} is not > 0 as {} requires (its link is log); set a positive mean "
            "label or leave it unset to estimate it from the labels",
            base_score, objective));
      }
      return std::log(base_score);
  }
  return base_score;
}

struct Spec {
  std::string_view name;
  ObjectiveKind kind;
  LabelDomain domain;
  Link link;
  std::string_view metric;  // XGBoost 1.7's DefaultEvalMetric (tweedie's gets its power)
};

// XGBoost 1.7.4's objectives; the metric column is what it reports when eval_metric is unset.
constexpr Spec kSpecs[] = {
    {"reg:squarederror", ObjectiveKind::kSquaredError, LabelDomain::kAny, Link::kIdentity, "rmse"},
    {"reg:squaredlogerror", ObjectiveKind::kSquaredLogError, LabelDomain::kAboveMinusOne,
     Link::kIdentity, "rmsle"},
    {"reg:logistic", ObjectiveKind::kLogistic, LabelDomain::kUnitInterval, Link::kLogit, "rmse"},
    {"binary:logistic", ObjectiveKind::kLogistic, LabelDomain::kUnitInterval, Link::kLogit,
     "logloss"},
    // XGBoost's LogisticRaw keeps base_score as a margin (checked against 1.7.4).
    {"binary:logitraw", ObjectiveKind::kLogitRaw, LabelDomain::kUnitInterval, Link::kIdentity,
     "logloss"},
    {"binary:hinge", ObjectiveKind::kHinge, LabelDomain::kZeroOrOne, Link::kIdentity, "error"},
    {"reg:pseudohubererror", ObjectiveKind::kPseudoHuber, LabelDomain::kAny, Link::kIdentity,
     "mphe"},
    {"reg:absoluteerror", ObjectiveKind::kAbsoluteError, LabelDomain::kAny, Link::kIdentity, "mae"},
    {"count:poisson", ObjectiveKind::kPoisson, LabelDomain::kNonNegative, Link::kLog,
     "poisson-nloglik"},
    {"reg:gamma", ObjectiveKind::kGamma, LabelDomain::kPositive, Link::kLog, "gamma-nloglik"},
    {"reg:tweedie", ObjectiveKind::kTweedie, LabelDomain::kNonNegative, Link::kLog,
     "tweedie-nloglik"},
    {"multi:softmax", ObjectiveKind::kSoftmax, LabelDomain::kClassIndex, Link::kIdentity,
     "mlogloss"},
    {"multi:softprob", ObjectiveKind::kSoftmax, LabelDomain::kClassIndex, Link::kIdentity,
     "mlogloss"},
};

// Single-output objectives: gradients, transform and base score from the shared math.
class ElementwiseObjective : public Objective {
 public:
  ElementwiseObjective(const Spec& spec, const ObjectiveMath& math) : spec_(spec), math_(math) {}

  std::string Name() const override { return std::string(spec_.name); }
  void CheckLabels(std::span<const float> labels) const override {
    CheckLabelDomain(spec_.name, spec_.domain, 1, labels);
  }
  void Gradients(const Context& ctx, std::span<const float> margins, std::span<const float> labels,
                 std::span<const float> weights, std::span<GradientPair> gradients) const override {
    cpu_impl::ComputeGradients(ctx, math_, margins, labels, weights, gradients);
  }
  void Transform(const Context& ctx, std::span<float> values) const override {
    cpu_impl::TransformMargins(ctx, math_, values);
  }
  float ProbToMargin(float base_score) const override {
    return LinkMargin(spec_.link, spec_.name, base_score);
  }
  // XGBoost 2's FitIntercept: one Newton step from margin 0 over all rows (weights and
  // scale_pos_weight included), -G / max(H, kRtEps) with double sums, mapped to output space by
  // the objective's transform. For squared error this is the weighted mean label.
  std::vector<float> EstimateBaseScore(const Context& ctx, std::span<const float> labels,
                                       std::span<const float> weights) const override {
    const std::vector<float> zeros(labels.size(), 0.0f);
    std::vector<GradientPair> gradients(labels.size());
    cpu_impl::ComputeGradients(ctx, math_, zeros, labels, weights, gradients);
    const GradientTotals sum = cpu_impl::SumGradients(ctx, gradients, 1).front();
    constexpr float kRtEps = 1e-6f;
    const auto stump = static_cast<float>(-sum.grad / std::max(sum.hess, double{kRtEps}));
    return {TransformMargin(math_.kind, stump)};
  }
  double DefaultMaxDeltaStep() const override {
    return math_.kind == ObjectiveKind::kPoisson ? double{0.7f} : 0.0;  // XGBoost's float 0.7
  }
  std::string DefaultMetric() const override {
    if (math_.kind == ObjectiveKind::kTweedie) {
      // XGBoost streams the float power with the default precision of 6 significant digits.
      return fmt::format("{}@{:g}", spec_.metric, math_.tweedie_power);
    }
    return std::string(spec_.metric);
  }

 private:
  Spec spec_;
  ObjectiveMath math_;
};

// reg:absoluteerror: sign gradients, a weighted-median base score and, after each tree is grown,
// leaf values replaced by the median residual of their rows (XGBoost's adaptive trees).
class AbsoluteErrorObjective : public ElementwiseObjective {
 public:
  using ElementwiseObjective::ElementwiseObjective;

  // XGBoost's MeanAbsoluteError::InitEstimation: the (weighted) median label, multiplied and
  // divided by the total weight as its cross-worker average does (in float, as it does).
  std::vector<float> EstimateBaseScore(const Context&, std::span<const float> labels,
                                       std::span<const float> weights) const override {
    double total = 0.0;
    if (weights.empty()) {
      total = static_cast<double>(labels.size());
    } else {
      for (const float w : weights) total += w;
    }
    float out = 0.0f;
    if (!labels.empty()) {
      out = weights.empty() ? detail::Quantile(0.5, labels)
                            : detail::WeightedQuantile(0.5, labels, weights);
    }
    out = static_cast<float>(out * total);
    if (std::abs(total) <= 1e-6) return {0.5f};  // no weight at all: XGBoost's default
    return {static_cast<float>(out / total)};
  }
  bool HasAdaptiveLeaves() const override { return true; }
  float AdaptiveLeafValue(std::span<const std::uint32_t> rows, std::span<const float> margins,
                          std::span<const float> labels,
                          std::span<const float> weights) const override {
    std::vector<float> residuals(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      residuals[i] = labels[rows[i]] - margins[rows[i]];
    }
    if (weights.empty()) return detail::Quantile(0.5, residuals);
    std::vector<float> row_weights(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) row_weights[i] = weights[rows[i]];
    return detail::WeightedQuantile(0.5, residuals, row_weights);
  }
};

// multi:softmax and multi:softprob: num_class margins per row, softmax cross-entropy.
class SoftmaxObjective : public Objective {
 public:
  SoftmaxObjective(const Spec& spec, const ObjectiveMath& math) : spec_(spec), math_(math) {}

  std::string Name() const override { return std::string(spec_.name); }
  int NumOutputs() const override { return math_.num_class; }
  int NumTransformedOutputs() const override { return ClassIndices() ? 1 : math_.num_class; }
  void CheckLabels(std::span<const float> labels) const override {
    CheckLabelDomain(spec_.name, spec_.domain, math_.num_class, labels);
  }
  void Gradients(const Context& ctx, std::span<const float> margins, std::span<const float> labels,
                 std::span<const float> weights, std::span<GradientPair> gradients) const override {
    cpu_impl::ComputeGradients(ctx, math_, margins, labels, weights, gradients);
  }
  void Transform(const Context& ctx, std::span<float> values) const override {
    if (!ClassIndices()) {
      cpu_impl::TransformMargins(ctx, math_, values);
      return;
    }
    // Class indices go to the front, so they cannot be written while other rows are read.
    std::vector<std::int32_t> classes(values.size() / static_cast<std::size_t>(math_.num_class));
    cpu_impl::ArgMaxRows(ctx, values, math_.num_class, classes);
    for (std::size_t i = 0; i < classes.size(); ++i) values[i] = static_cast<float>(classes[i]);
  }
  // XGBoost 2 estimates no intercept for multi-class objectives: ObjFunction's default
  // base_score 0.5 for every class (a margin of 0.5, the link being the identity).
  std::vector<float> EstimateBaseScore(const Context&, std::span<const float>,
                                       std::span<const float>) const override {
    return std::vector<float>(static_cast<std::size_t>(math_.num_class), 0.5f);
  }
  std::string DefaultMetric() const override { return std::string(spec_.metric); }

 private:
  bool ClassIndices() const { return spec_.name == "multi:softmax"; }

  Spec spec_;
  ObjectiveMath math_;
};

std::string KnownNames() {
  std::string names;
  for (const Spec& spec : kSpecs) names += (names.empty() ? "" : ", ") + std::string(spec.name);
  return names;
}

// The per-row constants, in XGBoost's float types, checked so that the math stays finite.
ObjectiveMath MathFor(const Spec& spec, const TrainParams& params) {
  ObjectiveMath math;
  math.kind = spec.kind;
  if (spec.kind == ObjectiveKind::kSoftmax) {
    if (!params.num_class.has_value() || *params.num_class < 2) {
      throw InvalidInput(fmt::format(
          "num_class: objective={} needs num_class (the number of classes, at least 2); got {}",
          spec.name, params.num_class ? std::to_string(*params.num_class) : "none"));
    }
    math.num_class = *params.num_class;
  }
  if (!(params.huber_slope > 0.0) || !std::isfinite(params.huber_slope)) {
    throw InvalidInput(
        fmt::format("huber_slope: got {}, expected a finite number > 0", params.huber_slope));
  }
  if (!(params.tweedie_variance_power >= 1.0 && params.tweedie_variance_power <= 2.0)) {
    throw InvalidInput(fmt::format("tweedie_variance_power: got {}, expected a number in [1, 2]",
                                   params.tweedie_variance_power));
  }
  if (!(params.scale_pos_weight >= 0.0) || !std::isfinite(params.scale_pos_weight)) {
    throw InvalidInput(fmt::format("scale_pos_weight: got {}, expected a finite number >= 0",
                                   params.scale_pos_weight));
  }
  if (!(params.max_delta_step >= 0.0) || !std::isfinite(params.max_delta_step)) {
    throw InvalidInput(fmt::format("max_delta_step: got {}, expected a finite number >= 0",
                                   params.max_delta_step));
  }
  math.scale_pos_weight = static_cast<float>(params.scale_pos_weight);
  math.huber_slope = static_cast<float>(params.huber_slope);
  math.tweedie_power = static_cast<float>(params.tweedie_variance_power);
  // count:poisson has its own max_delta_step, 0.7 unless the user sets max_delta_step (which
  // then also caps the trees' leaves). TrainParams cannot tell "unset" from 0, so 0 means 0.7.
  math.max_delta_step =
      params.max_delta_step > 0.0 ? static_cast<float>(params.max_delta_step) : 0.7f;
  return math;
}

}  // namespace

std::unique_ptr<Objective> Objective::Create(const TrainParams& params) {
  // reg:linear is XGBoost's deprecated name of reg:squarederror (ParseParams maps it too).
  const std::string_view name =
      params.objective == "reg:linear" ? std::string_view("reg:squarederror") : params.objective;
  for (const Spec& spec : kSpecs) {
    if (spec.name != name) continue;
    const ObjectiveMath math = MathFor(spec, params);
    switch (spec.kind) {
      case ObjectiveKind::kSoftmax:
        return std::make_unique<SoftmaxObjective>(spec, math);
      case ObjectiveKind::kAbsoluteError:
        return std::make_unique<AbsoluteErrorObjective>(spec, math);
      default:
        return std::make_unique<ElementwiseObjective>(spec, math);
    }
  }
  throw InvalidInput(
      fmt::format("objective: got \"{}\", expected one of {}", params.objective, KnownNames()));
}

ObjectiveMath ObjectiveMathOf(const TrainParams& params) {
  const std::string_view name =
      params.objective == "reg:linear" ? std::string_view("reg:squarederror") : params.objective;
  for (const Spec& spec : kSpecs) {
    if (spec.name == name) return MathFor(spec, params);
  }
  throw InvalidInput(
      fmt::format("objective: got \"{}\", expected one of {}", params.objective, KnownNames()));
}

float Objective::AdaptiveLeafValue(std::span<const std::uint32_t>, std::span<const float>,
                                   std::span<const float>, std::span<const float>) const {
  GROVE_CHECK(false, "AdaptiveLeafValue called for objective " + Name() +
                         ", which has no adaptive leaves (check HasAdaptiveLeaves first)");
  return 0.0f;
}

}  // namespace grove
