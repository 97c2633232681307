// `grove fit` and `grove train`: a training job under SageMaker's container contract (the
// built-in XGBoost algorithm and scikit-learn script mode) or from explicit paths. The order is
// fixed: resolve and check every setting and channel, then read and check the data, then
// train, then write outputs; any error writes the failure file and propagates to main.cc.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "cli/checkpoint.h"
#include "cli/commands.h"
#include "cli/fit_args.h"
#include "cli/job_files.h"
#include "cli/job_outputs.h"
#include "cli/job_params.h"
#include "cli/progress.h"
#include "cli/sagemaker_config.h"
#include "cli/signals.h"
#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"
#include "grove/train.h"
#include "grove/xgboost.h"

namespace grove::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kXGBoostModelName = "xgboost-model";
constexpr const char* kNativeModelName = "grove-model.json";

const char* ModeName(FitMode mode) {
  switch (mode) {
    case FitMode::kContainer:
      return "container mode";
    case FitMode::kScript:
      return "script mode";
    case FitMode::kExplicit:
      return "explicit mode";
  }
  return "";
}

// Script mode when SageMaker's training toolkit (or a user imitating it) set its variables.
bool InScriptEnvironment() {
  for (const char* name : {"SM_CHANNEL_TRAIN", "SM_MODEL_DIR", "SM_TRAINING_ENV", "SM_HPS"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return true;
  }
  return false;
}

DataSet ReadData(const ChannelSpec& channel, const JobParams& params, const Schema* schema) {
  io::ReadOptions options;
  options.format = channel.format;
  options.csv_weights = params.csv_weights;
  options.schema = schema;
  if (channel.content_type.empty()) {
    Log(LogLevel::kInfo, fmt::format("Channel {} has no ContentType: detecting CSV or libsvm "
                                     "from its content",
                                     channel.name));
  }
  DataSet data = io::ReadChannel(channel.path, options);
  return data;
}

// libsvm files give as many columns as their largest index; a validation or test file that
// never uses the last features has fewer, which means those features are missing.
void WidenSparse(DataSet& data, std::size_t features) {
  if (!data.IsDense() && data.NumFeatures() < features) {
    std::get<CsrMatrix>(data.features).cols = features;
  }
}

// Forests follow scikit-learn, where the estimator class picks the task. Without an objective,
// 0/1 labels (or classes 0..k-1) give a classifier, as the guide's RandomForestClassifier.
void InferForestTask(TrainParams& params, const DataSet& train) {
  std::set<float> classes;
  for (const float y : train.labels) {
    if (!(y >= 0.0f) || y != std::floor(y) || classes.size() > 100) {
      Log(LogLevel::kInfo, "objective not set: the labels are not class indices, so the forest "
                           "is a regressor (objective=reg:squarederror)");
      return;
    }
    classes.insert(y);
  }
  const auto k = static_cast<int>(*classes.rbegin()) + 1;
  if (k <= 2) {
    params.objective = "binary:logistic";
  } else {
    params.objective = "multi:softprob";
    params.num_class = k;
  }
  Log(LogLevel::kInfo,
      fmt::format("objective not set: the labels are classes 0..{}, so the forest is a "
                  "classifier (objective={}); set objective=reg:squarederror for a regressor",
                  k - 1, params.objective));
}

void SaveModels(const Model& model, const JobSpec& job, const JobParams& params) {
  fs::create_directories(job.model_dir);
  if (params.model_format == ModelFormat::kXGBoost) {
    const fs::path path = job.model_dir / kXGBoostModelName;
    SaveXGBoostModel(TruncateToBestIteration(model), path);
    Log(LogLevel::kInfo, fmt::format("Saved the model ({} rounds) as {}",
                                     TruncateToBestIteration(model).NumRounds(), path.string()));
    if (!job.output_data_dir.empty()) {
      model.Save(job.output_data_dir / kNativeModelName);
      Log(LogLevel::kInfo, fmt::format("Saved grove's native model (with its schema) as {}",
                                       (job.output_data_dir / kNativeModelName).string()));
    }
  } else {
    model.Save(job.model_dir / kNativeModelName);
    Log(LogLevel::kInfo, fmt::format("Saved the model as {}",
                                     (job.model_dir / kNativeModelName).string()));
  }
}

struct LoadedData {
  DataSet train;
  std::optional<DataSet> validation, test;
};

LoadedData LoadChannels(const JobSpec& job, const JobParams& params) {
  LoadedData data;
  data.train = ReadData(*job.Channel("train"), params, nullptr);
  Log(LogLevel::kInfo, fmt::format("Train matrix has {} rows and {} columns",
                                   data.train.NumRows(), data.train.NumFeatures()));
  for (const char* name : {"validation", "test"}) {
    if (StopFlag().load()) break;
    const ChannelSpec* channel = job.Channel(name);
    if (channel == nullptr) continue;
    DataSet set = ReadData(*channel, params, &data.train.schema);
    WidenSparse(set, data.train.NumFeatures());
    Log(LogLevel::kInfo, fmt::format("{} matrix has {} rows", name == std::string("test") ? "Test" : "Validation",
                                     set.NumRows()));
    (name == std::string("test") ? data.test : data.validation) = std::move(set);
  }
  return data;
}

// Train's own data checks (labels in the objective's domain, matching columns) run before the
// first round; their messages name the row, so say which channels were checked.
[[noreturn]] void ThrowDataError(const InvalidInput& e, const JobSpec& job) {
  std::string channels;
  for (const ChannelSpec& c : job.channels) {
    if (c.name == "test") continue;
    channels += fmt::format("{}{} = {}", channels.empty() ? "" : ", ", c.name, c.path.string());
  }
  throw InvalidInput(fmt::format("{} (checked before training; channels: {})", e.what(), channels));
}

int RunJob(const JobSpec& job, JobParams params) {
  Log(LogLevel::kInfo, fmt::format("grove fit in {} (model dir {})", ModeName(job.mode),
                                   job.model_dir.string()));
  fs::create_directories(job.model_dir);
  if (!job.output_data_dir.empty()) fs::create_directories(job.output_data_dir);

  std::optional<Checkpoints> checkpoints;
  std::optional<Model> resume;
  if (job.checkpoint_dir.has_value()) {
    if (params.params.IsForest()) {
      Log(LogLevel::kWarning, "Checkpoints are written for gradient boosting only; a forest job "
                              "that is interrupted starts over");
    } else {
      fs::create_directories(*job.checkpoint_dir);
      checkpoints.emplace(*job.checkpoint_dir, params.checkpoint_frequency);
      resume = checkpoints->LoadNewest(params.params);
      Log(LogLevel::kInfo,
          resume ? fmt::format("Resuming from checkpoint {}/grove-checkpoint.{} ({} rounds done)",
                               job.checkpoint_dir->string(), resume->NumRounds() - 1,
                               resume->NumRounds())
                 : fmt::format("Checkpoints go to {} every {} rounds", job.checkpoint_dir->string(),
                               params.checkpoint_frequency));
    }
  }

  LoadedData data = LoadChannels(job, params);
  if (StopFlag().load()) {
    Log(LogLevel::kWarning, fmt::format("Stopped by {} before training started; no model written",
                                        StopSignalName()));
    return 128 + StopSignal();
  }
  if (params.params.IsForest() && !params.objective_given) InferForestTask(params.params, data.train);

  std::vector<EvalSet> evals = {{"train", &data.train}};
  if (data.validation) evals.push_back({"validation", &*data.validation});

  const int first_round = resume ? resume->NumRounds() : 0;
  const int total = params.params.IsForest() ? params.params.n_estimators : params.params.num_round;
  Progress progress(first_round, total);
  RoundLog log(job.output_data_dir.empty()
                   ? std::nullopt
                   : std::optional<fs::path>(job.output_data_dir / "metrics-history.jsonl"));
  int rounds_seen = 0;
  TrainOptions options;
  options.cancel = &StopFlag();
  options.resume = resume ? &*resume : nullptr;
  options.on_round = [&](const RoundInfo& round) {
    ++rounds_seen;
    progress.Clear();
    if (!round.results.empty()) log.Write(round);
    if (checkpoints && round.model != nullptr && checkpoints->Due(round.iteration)) {
      checkpoints->Save(*round.model);
    }
    progress.Update(round.iteration + 1);
    return true;
  };
  Model model;
  try {
    model = Train(params.params, data.train, evals, options);
  } catch (const InvalidInput& e) {
    if (rounds_seen == 0) ThrowDataError(e, job);
    throw;
  }
  progress.Finish();

  if (StopFlag().load()) {
    if (model.trees.empty()) {
      Log(LogLevel::kWarning, fmt::format("Stopped by {} before the first round ended; no model "
                                          "written", StopSignalName()));
      return 128 + StopSignal();
    }
    if (checkpoints) checkpoints->Save(model);
    SaveModels(model, job, params);
    Log(LogLevel::kWarning,
        fmt::format("Stopped by {} after {} rounds; saved {}the model so far", StopSignalName(),
                    model.NumRounds(), checkpoints ? "a checkpoint and " : ""));
    return 128 + StopSignal();
  }
  if (checkpoints && !params.params.IsForest()) checkpoints->Save(model);
  if (data.test) PrintTestReport(model, *data.test);
  SaveModels(model, job, params);
  if (!job.output_data_dir.empty()) {
    WriteFeatureImportance(model, job.output_data_dir / "feature-importance.json");
  }
  return 0;
}

int RunMode(FitMode mode, int argc, char** argv) {
  InstallStopHandlers();
  std::optional<fs::path> failure;
  try {
    const FitArgs args = ParseFitArgs(argc, argv);
    if (args.help) {
      std::fputs(FitHelp().c_str(), stdout);
      return 0;
    }
    failure = EarlyFailureFile(mode, args);
    if (failure) {  // a failure file left by an earlier attempt is not this run's outcome
      std::error_code ec;
      fs::remove(*failure, ec);
    }
    const JobSpec job = ResolveJob(mode, args);
    JobParams params = ResolveParams(job);
    return RunJob(job, std::move(params));
  } catch (const std::exception& e) {
    if (failure) WriteFailure(*failure, e.what());
    throw;
  }
}

}  // namespace

int RunFit(int argc, char** argv) {
  return RunMode(InScriptEnvironment() ? FitMode::kScript : FitMode::kExplicit, argc, argv);
}

int RunTrain(int argc, char** argv) { return RunMode(FitMode::kContainer, argc, argv); }

}  // namespace grove::cli
