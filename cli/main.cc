// The `grove` tool's entry point and its one error boundary (STYLE.md section 3).
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string_view>

#include <cxxopts.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "grove/context.h"
#include "grove/errors.h"

namespace {

constexpr std::string_view kUsage = R"(usage: grove <command> [options]

commands:
  demo    generate the user guide's demo data set and train on it as a job would
  fit     train a model: SageMaker script mode (SM_* variables) or --train PATH --model-dir DIR
  train   SageMaker container mode: read /opt/ml (or --sm-root DIR) and train
  predict predict with a grove or XGBoost model (file, model directory or model.tar.gz)
  export  write a model as XGBoost JSON (xgboost.Booster and SageMaker serving load it)
  info    print the build, the CPU's SIMD level and the CUDA devices

Run `grove <command> --help` for a command's options.
)";

int Dispatch(int argc, char** argv) {
  // Installed under the name `train` (SageMaker runs `train` in the image), the binary is
  // `grove train`; `train train` is the same.
  if (std::filesystem::path(argv[0]).filename() == "train") {
    if (argc >= 2 && std::string_view(argv[1]) == "train") return grove::cli::RunTrain(argc - 1, argv + 1);
    return grove::cli::RunTrain(argc, argv);
  }
  if (argc < 2) {
    std::fputs(kUsage.data(), stderr);
    return 1;
  }
  const std::string_view verb = argv[1];
  if (verb == "demo") return grove::cli::RunDemo(argc - 1, argv + 1);
  if (verb == "info") return grove::cli::RunInfo(argc - 1, argv + 1);
  if (verb == "fit") return grove::cli::RunFit(argc - 1, argv + 1);
  if (verb == "train") return grove::cli::RunTrain(argc - 1, argv + 1);
  if (verb == "predict") return grove::cli::RunPredict(argc - 1, argv + 1);
  if (verb == "export") return grove::cli::RunExport(argc - 1, argv + 1);
  if (verb == "--version" || verb == "version") {
    std::puts(grove::BuildInfo().c_str());
    return 0;
  }
  if (verb == "--help" || verb == "-h" || verb == "help") {
    std::fputs(kUsage.data(), stdout);
    return 0;
  }
  throw grove::InvalidInput(
      fmt::format("unknown command \"{}\"; expected one of: demo, export, fit, info, predict, train (see grove --help)", verb));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Dispatch(argc, argv);
  } catch (const grove::InvalidInput& e) {
    std::fprintf(stderr, "grove: error: %s\n", e.what());
    return 1;
  } catch (const grove::IoError& e) {
    std::fprintf(stderr, "grove: error: %s\n", e.what());
    return 1;
  } catch (const cxxopts::exceptions::exception& e) {
    std::fprintf(stderr, "grove: error: %s (see grove --help)\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "grove: error: %s\n", e.what());
    return 2;
  }
}
