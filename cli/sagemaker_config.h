// cli/sagemaker_config.h — where a training job's inputs and outputs are: the SageMaker file
// and environment contract (docs/sagemaker.md), resolved once before any data is read.
//
//   FitArgs args = ParseFitArgs(argc, argv);
//   JobSpec job = ResolveJob(FitMode::kContainer, args);   // reads input/config/*.json
//   for (const ChannelSpec& c : job.channels) ...          // train first, then validation, test
//
// Precedence for every path: command-line flag, then the SM_* variable, then the SageMaker
// root (--sm-root, $SAGEMAKER_BASE_DIR, /opt/ml). Config files are parsed leniently (SDK local
// mode omits keys); anything that cannot work is an InvalidInput naming the file and key.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/fit_args.h"
#include "grove/io.h"

namespace grove::cli {

enum class FitMode {
  kContainer,  ///< `grove train`: hyperparameters.json + inputdataconfig.json
  kScript,     ///< `grove fit` under SageMaker's training toolkit: SM_* variables + flags
  kExplicit,   ///< `grove fit --train PATH ...`: everything from the command line
};

struct ChannelSpec {
  std::string name;                ///< train, validation or test
  std::filesystem::path path;      ///< directory, file or FIFO (Pipe mode: `<dir>_0`)
  std::string content_type;        ///< as configured; empty = detect from the content
  io::Format format = io::Format::kAuto;
  std::string input_mode = "File";  ///< File, FastFile or Pipe
};

struct JobSpec {
  FitMode mode = FitMode::kExplicit;
  std::filesystem::path root;  ///< the SageMaker root (meaningful in container/script mode)
  /// Hyperparameters with `-` read as `_`, values as strings (JSON-encoded strings decoded).
  std::map<std::string, std::string> hyperparameters;
  std::vector<ChannelSpec> channels;  ///< train first
  std::filesystem::path model_dir;
  std::filesystem::path output_data_dir;
  std::optional<std::filesystem::path> failure_file;    ///< none in plain explicit mode
  std::optional<std::filesystem::path> checkpoint_dir;  ///< none: checkpoints off
  std::vector<std::string> hosts;                       ///< from resourceconfig.json

  const ChannelSpec* Channel(std::string_view name) const;
};

/// The SageMaker root: `args.sm_root`, else $SAGEMAKER_BASE_DIR, else /opt/ml.
std::filesystem::path SageMakerRoot(const FitArgs& args);

/// The failure file this invocation should use if it fails before ResolveJob finishes
/// (container and script mode: $SM_OUTPUT_DIR/failure or <root>/output/failure; explicit mode:
/// only with --sm-root).
std::optional<std::filesystem::path> EarlyFailureFile(FitMode mode, const FitArgs& args);

/// Resolves paths, hyperparameters and channels and checks them (channel names, content types,
/// input modes, existence of the train channel, one host). Reads no data.
JobSpec ResolveJob(FitMode mode, const FitArgs& args);

/// A hyperparameter value as the SDK's framework estimators send it: a JSON string literal
/// ("\"gini\"") is decoded; anything else is kept as written (numbers keep their exact text).
std::string DecodeHyperparameter(const std::string& value);

}  // namespace grove::cli
