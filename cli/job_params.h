// cli/job_params.h — a job's hyperparameters: the container's own keys taken out, the rest
// parsed by ParseParams, and SageMaker's rules applied (num_round required for boosting in
// container mode, the tuner's objective metric watched by early stopping).
//
//   JobParams p = ResolveParams(job);   // throws InvalidInput listing every problem
//   Train(p.params, ...);
#pragma once

#include <optional>
#include <string>

#include "cli/sagemaker_config.h"
#include "grove/params.h"

namespace grove::cli {

enum class ModelFormat {
  kXGBoost,  ///< `xgboost-model` in the model dir (XGBoost JSON); native model in output data
  kNative,   ///< `grove-model.json` in the model dir
};

/// Checkpoint every this many rounds unless checkpoint_frequency says otherwise: a spot
/// interruption without warning loses at most this many rounds, and a checkpoint costs one
/// model write.
inline constexpr int kDefaultCheckpointFrequency = 10;

struct JobParams {
  TrainParams params;
  bool objective_given = false;      ///< the user set objective (forests infer it otherwise)
  /// A forest without objective: what its other settings say the task is. true: a classifier
  /// (criterion gini/entropy/log_loss, or class_weight); false: a regressor
  /// (criterion=squared_error); none: the labels decide.
  std::optional<bool> forest_classifier;
  bool csv_weights = false;          ///< csv_weights=1
  int checkpoint_frequency = kDefaultCheckpointFrequency;
  ModelFormat model_format = ModelFormat::kXGBoost;
  std::string model_format_setting = "auto";  ///< model_format as given: auto, xgboost, native
  /// `_tuning_objective_metric` as given ("validation:auc", or a custom name like "Test AUC").
  std::string tuning_objective;
};

JobParams ResolveParams(const JobSpec& job);

}  // namespace grove::cli
