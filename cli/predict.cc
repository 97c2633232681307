// `grove predict`: batch predictions of a model file, model directory or model.tar.gz for CSV or
// libsvm input, one output line per input row.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <cxxopts.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/job_files.h"
#include "cli/model_source.h"
#include "cli/predict_input.h"
#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"
#include "grove/model.h"

namespace grove::cli {

namespace {

LabelColumn ParseLabelColumn(const std::string& text) {
  if (text == "auto") return LabelColumn::kAuto;
  if (text == "first") return LabelColumn::kFirst;
  if (text == "none") return LabelColumn::kNone;
  throw InvalidInput(fmt::format("--label: got \"{}\", expected auto, first or none", text));
}

// Rows of `columns` comma-separated values; floats as the shortest text that reads back to the
// same float, so the file carries the predictions exactly.
std::string FormatRows(const std::vector<float>& values, std::size_t columns) {
  fmt::memory_buffer out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "{}{}", values[i],
                   (i + 1) % columns == 0 ? '\n' : ',');
  }
  return fmt::to_string(out);
}

}  // namespace

int RunPredict(int argc, char** argv) {
  cxxopts::Options options(
      "grove predict",
      "Predict with a grove or XGBoost model. --model is a model file (grove native, XGBoost "
      "JSON or UBJSON), a model directory or a model.tar.gz. Output: one line per input row; "
      "probabilities or values, one column per class for multi:softprob, the class index for "
      "multi:softmax.");
  options.add_options()("model", "model file, model directory or model.tar.gz",
                        cxxopts::value<std::string>())(
      "input", "CSV or libsvm file, directory of files, or .gz", cxxopts::value<std::string>())(
      "output", "output CSV (written atomically); default: standard output",
      cxxopts::value<std::string>())("content-type",
                                     "text/csv, text/libsvm (or csv, libsvm); default: detected",
                                     cxxopts::value<std::string>())(
      "label", "CSV label column: auto (detected from the column count), first or none",
      cxxopts::value<std::string>()->default_value("auto"))(
      "output-margin", "write raw margins instead of transformed predictions")(
      "all-rounds", "use every round, not only those up to the model's best_iteration")(
      "nthread", "threads, 0 = all cores", cxxopts::value<int>()->default_value("0"))(
      "device", "where the trees are walked: cpu, cuda or cuda:N (same predictions)",
      cxxopts::value<std::string>()->default_value("cpu"))("h,help", "show this help");
  const auto args = options.parse(argc, argv);
  if (args.count("help")) {
    std::fputs(options.help().c_str(), stdout);
    return 0;
  }
  for (const char* required : {"model", "input"}) {
    if (!args.count(required)) {
      throw InvalidInput(fmt::format("grove predict: --{} is required (see grove predict --help)",
                                     required));
    }
  }
  Device device;
  try {
    device = Device::Parse(args["device"].as<std::string>());
  } catch (const InvalidInput& e) {
    throw InvalidInput(fmt::format("grove predict: --{}", e.what()));  // "device: got ..."
  }
  const Model model = LoadModelSource(args["model"].as<std::string>());
  PredictInputOptions input_options;
  input_options.label = ParseLabelColumn(args["label"].as<std::string>());
  input_options.nthread = args["nthread"].as<int>();
  if (args.count("content-type")) {
    input_options.format = io::ParseContentType(args["content-type"].as<std::string>());
  }
  const std::filesystem::path input = args["input"].as<std::string>();
  const DataSet data = ReadPredictInput(input, model, input_options);

  PredictOptions predict;
  predict.type = args.count("output-margin") ? PredictType::kMargin : PredictType::kValue;
  predict.use_best_iteration = args.count("all-rounds") == 0;
  predict.nthread = input_options.nthread;
  predict.device = device;
  const std::vector<float> values =
      data.IsDense() ? model.Predict(data.Dense(), predict) : model.Predict(data.Sparse(), predict);
  const std::size_t rows = data.NumRows();
  const std::size_t columns = rows == 0 ? 1 : values.size() / rows;
  const std::string text = FormatRows(values, columns);
  if (args.count("output")) {
    const std::filesystem::path output = args["output"].as<std::string>();
    WriteFileAtomic(output, text);
    Log(LogLevel::kInfo, fmt::format("Wrote {} predictions ({} per row) to {}", rows, columns,
                                     output.string()));
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace grove::cli
