#include "cli/job_params.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "grove/errors.h"
#include "grove/log.h"
#include "grove/metrics.h"

namespace grove::cli {
namespace {

std::optional<std::string> Take(std::map<std::string, std::string>& values, const char* key) {
  const auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  std::string value = it->second;
  values.erase(it);
  return value;
}

bool IsTrue(const std::string& v) { return v == "true" || v == "True" || v == "1"; }
bool IsFalse(const std::string& v) { return v == "false" || v == "False" || v == "0"; }

// The container's own keys: validated here and removed before ParseParams sees the rest.
void TakeContainerKeys(std::map<std::string, std::string>& values, JobParams& out,
                       std::vector<std::string>& problems) {
  for (auto it = values.begin(); it != values.end();) {
    // Platform keys (sagemaker_program, sagemaker_region, ...) and the toolkit's module name.
    if (it->first.starts_with("sagemaker_") || it->first == "default_user_module_name") {
      it = values.erase(it);
    } else {
      ++it;
    }
  }
  if (auto v = Take(values, "csv_weights")) {
    if (*v == "1") out.csv_weights = true;
    else if (*v != "0") problems.push_back(fmt::format("hyperparameter csv_weights: got \"{}\", expected 0 or 1", *v));
  }
  if (auto v = Take(values, "checkpoint_frequency")) {
    int n = 0;
    const auto [end, error] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (error != std::errc() || end != v->data() + v->size() || n < 1) {
      problems.push_back(fmt::format(
          "hyperparameter checkpoint_frequency: got \"{}\", expected an integer >= 1 (rounds "
          "between checkpoints)",
          *v));
    } else {
      out.checkpoint_frequency = n;
    }
  }
  if (auto v = Take(values, "model_format")) {
    if (*v == "xgboost" || *v == "native" || *v == "auto") out.model_format_setting = *v;
    else problems.push_back(fmt::format("hyperparameter model_format: got \"{}\", expected auto, xgboost or native", *v));
  }
  if (auto v = Take(values, "save_model_on_termination")) {
    // grove always saves the model so far on SIGTERM, so both values behave the same.
    if (!IsTrue(*v) && !IsFalse(*v)) {
      problems.push_back(fmt::format(
          "hyperparameter save_model_on_termination: got \"{}\", expected true or false", *v));
    }
  }
  if (auto v = Take(values, "use_dask_gpu_training")) {
    if (IsTrue(*v)) {
      problems.push_back(
          "hyperparameter use_dask_gpu_training=true: grove does not train across several GPUs "
          "with Dask; remove it and set device=cuda to train on one GPU");
    } else if (!IsFalse(*v)) {
      problems.push_back(fmt::format(
          "hyperparameter use_dask_gpu_training: got \"{}\", expected true or false", *v));
    }
  }
  for (const char* key : {"_kfold", "_num_cv_round"}) {
    if (Take(values, key)) {
      problems.push_back(fmt::format(
          "hyperparameter {}: k-fold cross-validation (an Autopilot setting of the built-in "
          "container) is not supported by grove; remove _kfold and _num_cv_round",
          key));
    }
  }
  if (auto v = Take(values, "_tuning_objective_metric")) out.tuning_objective = *v;
}

// `validation:auc` -> the metric joins eval_metric as its last entry, which early stopping
// watches. Custom metric names (script mode's "Test AUC") are matched from the log by
// SageMaker and need nothing here.
void ApplyTuningObjective(const JobSpec& job, JobParams& out, std::vector<std::string>& problems) {
  const std::string& objective = out.tuning_objective;
  if (objective.empty()) return;
  const std::size_t colon = objective.find(':');
  const std::string set = colon == std::string::npos ? "" : objective.substr(0, colon);
  if (set != "validation" && set != "train") {
    Log(LogLevel::kInfo, fmt::format("Tuning objective \"{}\" is a custom metric matched in the "
                                     "log; early stopping watches the eval metrics as usual",
                                     objective));
    return;
  }
  const std::string metric = objective.substr(colon + 1);
  try {
    CreateMetric(metric);
  } catch (const InvalidInput& e) {
    problems.push_back(fmt::format("hyperparameter _tuning_objective_metric \"{}\": {}",
                                   objective, e.what()));
    return;
  }
  if (set == "validation" && job.Channel("validation") == nullptr) {
    problems.push_back(fmt::format(
        "hyperparameter _tuning_objective_metric \"{}\" needs a validation channel, and this "
        "job has none; add a \"validation\" input to the tuner's fit()",
        objective));
    return;
  }
  std::vector<std::string>& metrics = out.params.eval_metric;
  metrics.erase(std::remove(metrics.begin(), metrics.end(), metric), metrics.end());
  metrics.push_back(metric);
  Log(LogLevel::kInfo, fmt::format("Tuning objective {}: reporting {} every round{}", objective,
                                   metric,
                                   out.params.early_stopping_rounds ? " and early stopping on it"
                                                                    : ""));
}

// scikit-learn picks the task by the estimator class; a script that sets a classifier-only or
// regressor-only option says which one it means. A classifier is parsed as binary:logistic for
// now, so that the option's checks pass; the labels then decide binary or multi-class.
void InferForestTaskFromSettings(std::map<std::string, std::string>& values, JobParams& out) {
  const auto criterion = values.find("criterion");
  const std::string name = criterion == values.end() ? "auto" : criterion->second;
  const auto class_weight = values.find("class_weight");
  const bool weighted = class_weight != values.end() && class_weight->second != "none" &&
                        class_weight->second != "None" && !class_weight->second.empty();
  if (name == "gini" || name == "entropy" || name == "log_loss" || weighted) {
    out.forest_classifier = true;
    values["objective"] = "binary:logistic";
  } else if (name == "squared_error") {
    out.forest_classifier = false;
  }
}

}  // namespace

JobParams ResolveParams(const JobSpec& job) {
  JobParams out;
  std::map<std::string, std::string> values = job.hyperparameters;
  std::vector<std::string> problems;
  TakeContainerKeys(values, out, problems);
  out.objective_given = values.count("objective") != 0;

  const auto algorithm = values.find("algorithm");
  const bool forest = algorithm != values.end() && algorithm->second == "random_forest";
  if (forest && !out.objective_given) InferForestTaskFromSettings(values, out);
  if (job.mode == FitMode::kContainer && !forest && values.count("num_round") == 0) {
    problems.push_back(
        "Missing required hyperparameter: num_round (the number of boosting rounds, e.g. "
        "num_round=100), as SageMaker's built-in XGBoost requires");
  }
  try {
    out.params = ParseParams(values);
  } catch (const InvalidInput& e) {
    problems.push_back(e.what());
  }
  if (problems.empty()) {
    for (const std::string& name : out.params.eval_metric) {
      try {
        CreateMetric(name);
      } catch (const InvalidInput& e) {
        problems.push_back(fmt::format("hyperparameter eval_metric: {}", e.what()));
      }
    }
    ApplyTuningObjective(job, out, problems);
  }
  if (!problems.empty()) {
    throw InvalidInput(fmt::format("{}", fmt::join(problems, "\n")));
  }
  // auto: what each workflow's serving side loads (XGBoost's for boosting, grove's for forests).
  const bool native = out.model_format_setting == "native" ||
                      (out.model_format_setting == "auto" && out.params.IsForest());
  out.model_format = native ? ModelFormat::kNative : ModelFormat::kXGBoost;
  if (out.params.early_stopping_rounds && job.Channel("validation") == nullptr) {
    Log(LogLevel::kWarning,
        "early_stopping_rounds is ignored: early stopping watches a validation metric and this "
        "job has no validation channel (as in SageMaker's built-in XGBoost)");
    out.params.early_stopping_rounds.reset();
  }
  return out;
}

}  // namespace grove::cli
