// `grove export`: writes a model in another format — XGBoost JSON that xgboost.Booster, the C
// API and SageMaker's XGBoost serving containers load (docs/xgboost-export.md), or grove's
// native JSON (for example to keep an imported XGBoost model in grove's format).
#include <cstdio>
#include <filesystem>
#include <string>

#include <cxxopts.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/model_source.h"
#include "grove/errors.h"
#include "grove/log.h"
#include "grove/model.h"
#include "grove/xgboost.h"

namespace grove::cli {

int RunExport(int argc, char** argv) {
  cxxopts::Options options("grove export",
                           "Write a model (file, model directory or model.tar.gz) as XGBoost "
                           "JSON or grove's native JSON.");
  options.add_options()
      ("model", "model file, model directory or model.tar.gz", cxxopts::value<std::string>())
      ("format", "xgboost-json or grove-json",
       cxxopts::value<std::string>()->default_value("xgboost-json"))
      ("output", "file to write (atomically); any name, e.g. xgboost-model",
       cxxopts::value<std::string>())
      ("h,help", "show this help");
  const auto args = options.parse(argc, argv);
  if (args.count("help")) {
    std::fputs(options.help().c_str(), stdout);
    return 0;
  }
  for (const char* required : {"model", "output"}) {
    if (!args.count(required)) {
      throw InvalidInput(fmt::format("grove export: --{} is required (see grove export --help)",
                                     required));
    }
  }
  const std::string format = args["format"].as<std::string>();
  if (format != "xgboost-json" && format != "grove-json") {
    throw InvalidInput(
        fmt::format("--format: got \"{}\", expected xgboost-json or grove-json", format));
  }
  const Model model = LoadModelSource(args["model"].as<std::string>());
  const std::filesystem::path output = args["output"].as<std::string>();
  if (format == "xgboost-json") {
    SaveXGBoostModel(model, output);
  } else {
    model.Save(output);
  }
  Log(LogLevel::kInfo, fmt::format("Wrote the model ({} trees) as {} to {}", model.trees.size(),
                                   format, output.string()));
  return 0;
}

}  // namespace grove::cli
