// Rules that involve more than one hyperparameter (TrainParams::ValidateCombination), and the
// compatibility rewrites of the built-in container's legacy settings. Each message says how to
// fix the job, in the style of YDF's GradientBoostedTreesLearner::CheckConfiguration.
#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>

#include "grove/log.h"
#include "params_checks.h"
#include "params_table.h"

namespace grove::detail {
namespace {

bool IsSet(const TrainParams& params, const GivenNames& given, const ParamEntry& entry) {
  return given.contains(entry.name) || !entry.is_default(params);
}

bool IsSet(const TrainParams& params, const GivenNames& given, std::string_view name) {
  const ParamEntry* entry = FindParam(name);
  return entry != nullptr && IsSet(params, given, *entry);
}

std::string_view AlgorithmOf(ParamScope scope) {
  return scope == ParamScope::kGbdt ? "gbdt" : "random_forest";
}

// A gbdt parameter under random_forest, or the reverse.
void CheckScopes(const TrainParams& params, const GivenNames& given, Problems& problems) {
  const ParamScope active = params.IsForest() ? ParamScope::kForest : ParamScope::kGbdt;
  for (const ParamEntry& entry : ParamTable()) {
    if (entry.scope == ParamScope::kBoth || entry.scope == active) continue;
    if (!IsSet(params, given, entry)) continue;
    std::string_view counterpart;
    for (const auto& [forest_name, gbdt_name] : ParamCounterparts()) {
      if (entry.name == forest_name) counterpart = gbdt_name;
      if (entry.name == gbdt_name) counterpart = forest_name;
    }
    if (counterpart.empty()) {
      problems.Add(fmt::format("{} applies to algorithm={}; remove it or set algorithm={}",
                               entry.name, AlgorithmOf(entry.scope), AlgorithmOf(entry.scope)));
    } else {
      problems.Add(fmt::format("{} applies to algorithm={}; for {} use {}", entry.name,
                               AlgorithmOf(entry.scope), AlgorithmOf(active), counterpart));
    }
  }
}

void CheckClasses(const TrainParams& params, Problems& problems) {
  const bool multi = params.objective.starts_with("multi:");
  if (multi && !params.num_class) {
    problems.Add(fmt::format(
        "objective={} needs num_class (the number of classes, at least 2); add num_class",
        params.objective));
  }
  if (!multi && params.num_class) {
    problems.Add(fmt::format(
        "num_class applies only to objective=multi:softmax or multi:softprob (objective is {}); "
        "remove num_class, or set objective=multi:softprob for more than two classes",
        params.objective));
  }
}

void CheckBoosting(const TrainParams& params, const GivenNames& given, Problems& problems) {
  if (params.max_depth == 0 && params.grow_policy != "lossguide") {
    problems.Add(
        "max_depth=0 (no depth limit) needs grow_policy=lossguide; set grow_policy=lossguide "
        "(and max_leaves to bound the tree size) or give max_depth >= 1");
  }
  if (params.tree_method == "gpu_hist" && params.device.IsCpu()) {
    problems.Add(
        "tree_method=gpu_hist is deprecated and asks for a GPU while device=cpu; set "
        "device=cuda and tree_method=hist");
  }
  constexpr std::array<std::string_view, 3> kProbability = {"binary:logistic", "binary:logitraw",
                                                            "reg:logistic"};
  constexpr std::array<std::string_view, 3> kLogLink = {"count:poisson", "reg:gamma",
                                                        "reg:tweedie"};
  const auto is_in = [&](const auto& list) {
    return std::find(list.begin(), list.end(), params.objective) != list.end();
  };
  if (params.base_score && is_in(kProbability) &&
      !(*params.base_score > 0.0 && *params.base_score < 1.0)) {
    problems.Add(fmt::format(
        "base_score={} must be in (0, 1) for objective={}, which reads it as a probability; "
        "give e.g. 0.5 or leave base_score unset",
        FormatReal(*params.base_score), params.objective));
  }
  if (params.base_score && is_in(kLogLink) && !(*params.base_score > 0.0)) {
    problems.Add(fmt::format(
        "base_score={} must be > 0 for objective={} (its link is log); give the mean label or "
        "leave base_score unset",
        FormatReal(*params.base_score), params.objective));
  }
  // Harmless leftovers from a tuning search: warned, since the built-in container takes them.
  if (IsSet(params, given, "tweedie_variance_power") && params.objective != "reg:tweedie") {
    LogOnce(LogLevel::kWarning, fmt::format("tweedie_variance_power has no effect with "
                                            "objective={}; it applies to reg:tweedie",
                                            params.objective));
  }
  if (IsSet(params, given, "huber_slope") && params.objective != "reg:pseudohubererror") {
    LogOnce(LogLevel::kWarning, fmt::format("huber_slope has no effect with objective={}; it "
                                            "applies to reg:pseudohubererror",
                                            params.objective));
  }
}

void CheckForest(const TrainParams& params, Problems& problems) {
  constexpr std::array<std::string_view, 4> kForestObjectives = {
      "binary:logistic", "multi:softmax", "multi:softprob", "reg:squarederror"};
  if (std::find(kForestObjectives.begin(), kForestObjectives.end(), params.objective) ==
      kForestObjectives.end()) {
    problems.Add(fmt::format(
        "algorithm=random_forest trains classification (objective=binary:logistic, "
        "multi:softmax or multi:softprob) or regression (objective=reg:squarederror), not "
        "objective={}",
        params.objective));
  }
  const bool classification = params.IsClassification();
  const std::string& criterion = params.criterion;
  const bool classification_criterion =
      criterion == "gini" || criterion == "entropy" || criterion == "log_loss";
  if (!classification && classification_criterion) {
    problems.Add(fmt::format(
        "criterion={} is for classification but objective={} is regression; use "
        "criterion=squared_error (or auto), or a binary:/multi: objective",
        criterion, params.objective));
  }
  if (classification && criterion == "squared_error") {
    problems.Add(fmt::format(
        "criterion=squared_error is for regression but objective={} is classification; use "
        "criterion=gini, entropy or log_loss (or auto)",
        params.objective));
  }
  if (params.oob_score && !params.bootstrap) {
    problems.Add(
        "oob_score=true needs bootstrap=true (only bootstrap sampling leaves rows out of bag); "
        "set bootstrap=true or oob_score=false");
  }
  if (params.max_samples.kind != CountOrFraction::Kind::kNone && !params.bootstrap) {
    problems.Add("max_samples needs bootstrap=true; set bootstrap=true or remove max_samples");
  }
  if (params.class_weight && !classification) {
    problems.Add(fmt::format(
        "class_weight applies to classification but objective={} is regression; remove "
        "class_weight",
        params.objective));
  }
  if (params.class_weight == "balanced_subsample" && !params.bootstrap) {
    LogOnce(LogLevel::kWarning,
            "class_weight=balanced_subsample with bootstrap=false weighs every tree like "
            "class_weight=balanced");
  }
}

}  // namespace

void CheckCombination(const TrainParams& params, const GivenNames& given, Problems& problems) {
  CheckScopes(params, given, problems);
  CheckClasses(params, problems);
  if (params.IsForest()) {
    CheckForest(params, problems);
  } else {
    CheckBoosting(params, given, problems);
  }
}

void ApplyCompatibility(TrainParams& params, const GivenNames& given, Problems& problems) {
  if (params.tree_method == "gpu_hist") {
    if (given.contains("device") && params.device.IsCpu()) {
      problems.Add(
          "tree_method=gpu_hist asks for a GPU but device=cpu; remove tree_method (grove always "
          "builds histograms) and keep device");
      return;
    }
    LogOnce(LogLevel::kWarning,
            "tree_method=gpu_hist is deprecated; grove reads it as device=cuda with "
            "tree_method=hist");
    if (!given.contains("device")) params.device = Device{Device::Kind::kCuda, 0};
    params.tree_method = "hist";
  }
  if (params.tree_method == "exact" || params.tree_method == "approx") {
    LogOnce(LogLevel::kInfo, fmt::format("tree_method={}: grove always finds splits on "
                                         "histograms (tree_method=hist, max_bin={})",
                                         params.tree_method, params.max_bin));
  }
  if (given.contains("sketch_eps")) {
    LogOnce(LogLevel::kInfo, "sketch_eps is accepted but unused; grove's bins come from max_bin");
  }
  if (given.contains("predictor")) {
    LogOnce(LogLevel::kInfo, "predictor is accepted and ignored; grove predicts on device");
  }
  if (given.contains("single_precision_histogram")) {
    LogOnce(LogLevel::kInfo, "single_precision_histogram is accepted and ignored");
  }
  if (!params.deterministic_histogram) {
    LogOnce(LogLevel::kInfo,
            "deterministic_histogram=false is ignored; grove's histograms are always "
            "deterministic");
  }
}

}  // namespace grove::detail
