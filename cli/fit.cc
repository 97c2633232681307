// `grove fit` and `grove train`: a training job under SageMaker's container contract (the
// built-in XGBoost algorithm and scikit-learn script mode) or from explicit paths. The order is
// fixed: resolve and check every setting and channel, then read and check the data, then
// train, then write outputs; any error writes the failure file and propagates to main.cc.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <new>
#include <optional>
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

DataSet ReadData(const ChannelSpec& channel, const JobParams& params, const Schema* schema,
                 io::RowSources* sources) {
  io::ReadOptions options;
  options.sources = sources;
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
// labels that are class indices 0..k-1 (k <= kMaxInferredClasses) give a classifier, as the
// guide's RandomForestClassifier, unless criterion=squared_error asks for a regressor; other
// labels give a regressor, unless a classifier-only setting asks for classes (an error then,
// at the first label that is not a class index).
constexpr int kMaxInferredClasses = 100;

void InferForestTask(TrainParams& params, const DataSet& train, std::optional<bool> classifier) {
  const char* why = classifier ? (params.criterion != "auto" ? "criterion" : "class_weight") : "";
  if (classifier == false) {
    params.objective = "reg:squarederror";
    Log(LogLevel::kInfo, "objective not set: criterion=squared_error makes the forest a regressor "
                         "(objective=reg:squarederror)");
    return;
  }
  int k = 0;
  for (std::size_t r = 0; r < train.labels.size(); ++r) {
    const float y = train.labels[r];
    if (!(y >= 0.0f) || y != std::floor(y) || y >= static_cast<float>(kMaxInferredClasses)) {
      if (classifier == true) {
        throw LabelError(fmt::format("train: label {} at row {} is not a class index in [0, {}), "
                                     "which {}={} (a classifier setting) needs; encode the "
                                     "classes as 0, 1, ..., k-1, or set "
                                     "objective=reg:squarederror for a regressor",
                                     y, r + 1, kMaxInferredClasses, why,
                                     why == std::string("criterion") ? params.criterion
                                                                     : *params.class_weight),
                         "train", r);
      }
      Log(LogLevel::kInfo, fmt::format("objective not set: the labels are not class indices 0..{} "
                                       "(e.g. {}), so the forest is a regressor "
                                       "(objective=reg:squarederror)",
                                       kMaxInferredClasses - 1, y));
      params.objective = "reg:squarederror";
      return;
    }
    k = std::max(k, static_cast<int>(y) + 1);
  }
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

// A resumed model that needs no more rounds: all num_round trained, or early stopping's
// patience already spent (Train then adds no round either).
bool IsFinished(const Model& model, const TrainParams& params) {
  if (model.NumRounds() >= params.num_round) return true;
  return params.early_stopping_rounds.has_value() && model.best_iteration >= 0 &&
         model.NumRounds() - 1 - model.best_iteration >= *params.early_stopping_rounds;
}

struct LoadedData {
  DataSet train;
  std::optional<DataSet> validation, test;
  /// Where each set's rows came from, by channel name, for messages about bad labels.
  std::map<std::string, io::RowSources> sources;
};

LoadedData LoadChannels(const JobSpec& job, const JobParams& params) {
  LoadedData data;
  data.train = ReadData(*job.Channel("train"), params, nullptr, &data.sources["train"]);
  Log(LogLevel::kInfo, fmt::format("Train matrix has {} rows and {} columns",
                                   data.train.NumRows(), data.train.NumFeatures()));
  for (const char* name : {"validation", "test"}) {
    if (StopFlag().load()) break;
    const ChannelSpec* channel = job.Channel(name);
    if (channel == nullptr) continue;
    DataSet set = ReadData(*channel, params, &data.train.schema, &data.sources[name]);
    WidenSparse(set, data.train.NumFeatures());
    Log(LogLevel::kInfo, fmt::format("{} matrix has {} rows", name == std::string("test") ? "Test" : "Validation",
                                     set.NumRows()));
    (name == std::string("test") ? data.test : data.validation) = std::move(set);
  }
  return data;
}

// A label the objective rejects, at the file and line it came from: the trainer knows the set
// and its row, the reader where each row came from.
[[noreturn]] void ThrowLabelError(const LabelError& e, const JobSpec& job, const LoadedData& data) {
  const ChannelSpec* channel = job.Channel(e.set());
  const auto sources = data.sources.find(e.set());
  std::string where = sources == data.sources.end() ? "" : sources->second.Describe(e.row());
  if (where.empty()) where = channel != nullptr ? channel->path.string() : e.set();
  // The trainer's text starts with "<set>: label <y> at row <r> ": the set is the channel, and
  // the row within the whole channel means little next to a file and line.
  std::string detail = e.what();
  if (detail.starts_with(e.set() + ": ")) detail.erase(0, e.set().size() + 2);
  const std::string row = fmt::format(" at row {} ", e.row() + 1);
  if (const std::size_t at = detail.find(row); at != std::string::npos) detail.replace(at, row.size(), " ");
  const bool has_fix = detail.find(';') != std::string::npos;
  throw InvalidInput(fmt::format(
      "{}: {} (channel {}, row {} of its data){}", where, detail, e.set(), e.row() + 1,
      has_fix ? "" : "; correct the label, or set an objective meant for labels like it"));
}

// Train's own data checks (labels in the objective's domain, matching columns) run before the
// first round; their messages name the set and row, so say which channels were checked.
[[noreturn]] void ThrowDataError(const InvalidInput& e, const JobSpec& job, const LoadedData& data) {
  if (const auto* label = dynamic_cast<const LabelError*>(&e); label != nullptr && !label->set().empty()) {
    ThrowLabelError(*label, job, data);
  }
  std::string channels;
  for (const ChannelSpec& c : job.channels) {
    if (c.name == "test") continue;
    channels += fmt::format("{}{} = {}", channels.empty() ? "" : ", ", c.name, c.path.string());
  }
  throw InvalidInput(fmt::format("{} (checked before training; channels: {})", e.what(), channels));
}

// The test channel is scored only after training: its labels are checked before, so that a
// bad one fails the job now rather than after hours, and with no model written.
void CheckTestLabels(const JobSpec& job, const TrainParams& params, const LoadedData& data) {
  if (!data.test) return;
  try {
    CheckLabels(params, data.test->labels, "test");
  } catch (const LabelError& e) {
    ThrowLabelError(e, job, data);
  }
}

// Checkpoints of a boosting job, and the newest one to resume from.
void OpenCheckpoints(const JobSpec& job, const JobParams& params,
                     std::optional<Checkpoints>& checkpoints, std::optional<Checkpoint>& resume) {
  if (!job.checkpoint_dir.has_value()) return;
  if (params.params.IsForest()) {
    Log(LogLevel::kWarning, "Checkpoints are written for gradient boosting only; a forest job "
                            "that is interrupted starts over");
  } else {
    fs::create_directories(*job.checkpoint_dir);
    checkpoints.emplace(*job.checkpoint_dir, params.checkpoint_frequency);
    resume = checkpoints->LoadNewest(params.params);
    Log(LogLevel::kInfo,
        resume ? fmt::format("Resuming from checkpoint {}/grove-checkpoint.{} ({} rounds done)",
                             job.checkpoint_dir->string(), resume->model.NumRounds() - 1,
                             resume->model.NumRounds())
               : fmt::format("Checkpoints go to {} every {} rounds", job.checkpoint_dir->string(),
                             params.checkpoint_frequency));
    if (resume && resume->model.NumRounds() > params.params.num_round) {
      throw InvalidInput(fmt::format(
          "checkpoint {}/grove-checkpoint.{} holds {} rounds, more than num_round={}; set "
          "num_round to at least {} to finish from it, or give this job an empty checkpoint "
          "directory",
          job.checkpoint_dir->string(), resume->model.NumRounds() - 1,
          resume->model.NumRounds(), params.params.num_round, resume->model.NumRounds()));
    }
    if (resume && IsFinished(resume->model, params.params)) {
      Log(LogLevel::kInfo, "The checkpoint holds the finished job: no round is trained again; "
                           "the outputs are written anew from it");
    }
  }
}

int RunJob(const JobSpec& job, JobParams params) {
  Log(LogLevel::kInfo, fmt::format("grove fit in {} (model dir {})", ModeName(job.mode),
                                   job.model_dir.string()));
  fs::create_directories(job.model_dir);
  if (!job.output_data_dir.empty()) fs::create_directories(job.output_data_dir);

  std::optional<Checkpoints> checkpoints;
  std::optional<Checkpoint> resume;
  OpenCheckpoints(job, params, checkpoints, resume);

  LoadedData data = LoadChannels(job, params);
  if (StopFlag().load()) {
    Log(LogLevel::kWarning, fmt::format("Stopped by {} before training started; no model written",
                                        StopSignalName()));
    return 128 + StopSignal();
  }
  if (params.params.IsForest() && !params.objective_given) {
    try {
      InferForestTask(params.params, data.train, params.forest_classifier);
    } catch (const LabelError& e) {
      ThrowLabelError(e, job, data);
    }
  }
  CheckTestLabels(job, params.params, data);

  std::vector<EvalSet> evals = {{"train", &data.train}};
  if (data.validation) evals.push_back({"validation", &*data.validation});

  const int first_round = resume ? resume->model.NumRounds() : 0;
  const int total = params.params.IsForest() ? params.params.n_estimators : params.params.num_round;
  Progress progress(first_round, total);
  RoundLog log(job.output_data_dir.empty()
                   ? std::nullopt
                   : std::optional<fs::path>(job.output_data_dir / "metrics-history.jsonl"),
               resume ? resume->history : std::string());
  int rounds_seen = 0;
  TrainOptions options;
  options.cancel = &StopFlag();
  options.resume = resume ? &resume->model : nullptr;
  options.on_round = [&](const RoundInfo& round) {
    ++rounds_seen;
    progress.Clear();
    if (!round.results.empty()) log.Write(round);
    if (checkpoints && round.model != nullptr && checkpoints->Due(round.iteration)) {
      checkpoints->Save(*round.model, log.History());
    }
    progress.Update(round.iteration + 1);
    return true;
  };
  Model model;
  try {
    model = Train(params.params, data.train, evals, options);
  } catch (const InvalidInput& e) {
    if (rounds_seen == 0) ThrowDataError(e, job, data);
    throw;
  }
  progress.Finish();

  if (StopFlag().load()) {
    if (model.trees.empty()) {
      Log(LogLevel::kWarning, fmt::format("Stopped by {} before the first round ended; no model "
                                          "written", StopSignalName()));
      return 128 + StopSignal();
    }
    if (checkpoints) checkpoints->Save(model, log.History());
    SaveModels(model, job, params);
    Log(LogLevel::kWarning,
        fmt::format("Stopped by {} after {} rounds; saved {}the model so far", StopSignalName(),
                    model.NumRounds(), checkpoints ? "a checkpoint and " : ""));
    return 128 + StopSignal();
  }
  if (checkpoints && !params.params.IsForest()) checkpoints->Save(model, log.History());
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
  } catch (const std::bad_alloc&) {
    // "std::bad_alloc" alone tells a user nothing; the usual causes are the data's size.
    const InvalidInput error(
        "out of memory: the data set (rows x feature columns) or the trees need more memory than "
        "this instance has; use an instance type with more memory, fewer rows or columns, or a "
        "smaller max_bin");
    if (failure) WriteFailure(*failure, error.what());
    throw error;
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
