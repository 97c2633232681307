#include "cli/fit_args.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "grove/errors.h"
#include "grove/params.h"

namespace grove::cli {
namespace {

std::string Normalize(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

std::optional<std::filesystem::path>* JobFlag(FitArgs& args, const std::string& name) {
  if (name == "train") return &args.train;
  if (name == "validation") return &args.validation;
  if (name == "test") return &args.test;
  if (name == "model_dir") return &args.model_dir;
  if (name == "output_data_dir") return &args.output_data_dir;
  if (name == "checkpoint_dir") return &args.checkpoint_dir;
  if (name == "sm_root") return &args.sm_root;
  return nullptr;
}

}  // namespace

FitArgs ParseFitArgs(int argc, char** argv) {
  FitArgs args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      args.help = true;
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      throw InvalidInput(fmt::format(
          "unexpected argument \"{}\": options are written --name value (see grove fit --help)",
          arg));
    }
    // `--name value`, `--name=value`, and the toolkit's `-k value` for one-letter keys.
    std::string_view body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string value;
    const std::size_t equals = body.find('=');
    if (equals != std::string_view::npos) {
      value = std::string(body.substr(equals + 1));
      body = body.substr(0, equals);
    } else {
      if (i + 1 >= argc) {
        throw InvalidInput(fmt::format("option {} needs a value: write {} <value>", arg, arg));
      }
      value = argv[++i];
    }
    if (body.empty()) {
      throw InvalidInput(fmt::format("option \"{}\" has no name (see grove fit --help)", arg));
    }
    const std::string name = Normalize(body);
    if (auto* flag = JobFlag(args, name)) {
      if (flag->has_value()) {
        throw InvalidInput(fmt::format("--{} is given twice; give it once", body));
      }
      if (value.empty()) {
        throw InvalidInput(fmt::format("--{} needs a non-empty path", body));
      }
      *flag = std::filesystem::path(value);
      continue;
    }
    args.hyperparameters.emplace_back(name, value);
  }
  return args;
}

std::string FitHelp() {
  std::string text = R"(usage:
  grove train [--sm-root DIR]                      container mode (docker run IMAGE train)
  grove fit [--name value ...]                     script mode: channels and model dir from SM_*
  grove fit --train PATH [--validation PATH] [--test PATH] --model-dir DIR [--name value ...]
                                                   explicit mode, for local runs

Container mode reads <root>/input/config/{hyperparameters,inputdataconfig,resourceconfig,
checkpointconfig}.json, the channels under <root>/input/data and writes <root>/model and
<root>/output. <root> is --sm-root, else $SAGEMAKER_BASE_DIR, else /opt/ml.

job flags (- and _ are the same character):
  --train, --validation, --test PATH   a channel: file, directory (3 levels), .gz or FIFO
  --model-dir DIR                      default $SM_MODEL_DIR, else <root>/model
  --output-data-dir DIR                default $SM_OUTPUT_DATA_DIR, else <root>/output/data
  --checkpoint-dir DIR                 turns checkpoints on (default: checkpointconfig.json)
  --sm-root DIR                        the SageMaker root instead of /opt/ml

job settings, given like hyperparameters:
  csv_weights 0|1                      CSV column 1 is the instance weight
  checkpoint_frequency N               checkpoint every N rounds (default 10; SIGTERM always
                                       writes one)
  model_format auto|xgboost|native     auto: xgboost-model for gbdt, grove-model.json for forests
  _tuning_objective_metric SET:METRIC  set by SageMaker's tuner; the metric early stopping watches
  save_model_on_termination, use_dask_gpu_training, sagemaker_*   accepted (see docs/sagemaker.md)

hyperparameters:
)";
  text += ParamsHelp();
  return text;
}

}  // namespace grove::cli
