// cli/fit_args.h — the command line of `grove fit` / `grove train`.
//
//   grove fit --algorithm random_forest --n-estimators 200 --max-depth 15   (script mode)
//   grove fit --train data/train.csv --model-dir out/ --num_round 50         (explicit mode)
//   grove train --sm-root /tmp/opt-ml                                        (container mode)
//
// Job flags (paths) are recognised by name; every other `--name value` or `--name=value` is a
// hyperparameter, kept in order for ParseParams. `-` and `_` are the same character in names,
// as scikit-learn scripts and SageMaker's toolkit spell them both ways.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace grove::cli {

struct FitArgs {
  std::optional<std::filesystem::path> train, validation, test;
  std::optional<std::filesystem::path> model_dir, output_data_dir, checkpoint_dir, sm_root;
  /// Hyperparameters as given (names with `-` turned into `_`), in command-line order.
  std::vector<std::pair<std::string, std::string>> hyperparameters;
  bool help = false;
};

/// Parses argv[1..argc) (argv[0] is the verb). Throws InvalidInput for a flag without a value,
/// a positional argument, or a job flag given twice.
FitArgs ParseFitArgs(int argc, char** argv);

/// `grove fit --help`: modes, job flags, container keys and the hyperparameter table.
std::string FitHelp();

}  // namespace grove::cli
