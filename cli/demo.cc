// `grove demo`: the README's first command. Generates the user guide's demo data set (section
// 2.1), writes it as the guide's headerless CSV channels, reads them back through the loader a
// training job uses, trains with the guide's built-in XGBoost hyperparameters (section 2.2),
// printing the built-in container's per-round lines, and saves the model.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <cxxopts.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "grove/dataset.h"
#include "grove/errors.h"
#include "grove/demo.h"
#include "grove/io.h"
#include "grove/log.h"
#include "grove/metrics.h"
#include "grove/train.h"

namespace grove::cli {
namespace {

// The guide's hyperparameters for the built-in XGBoost estimator.
const std::map<std::string, std::string> kGuideParams = {
    {"objective", "binary:logistic"}, {"num_round", "100"}, {"max_depth", "5"},
    {"eta", "0.2"}, {"gamma", "4"}, {"min_child_weight", "6"}, {"subsample", "0.8"},
    {"eval_metric", "auc"}};

// `[i]\ttrain-auc:0.91429\tvalidation-auc:0.80998`: the built-in container's line.
void PrintRound(const RoundInfo& round) {
  std::string line = fmt::format("[{}]", round.iteration);
  for (const EvalResult& r : round.results) {
    line += fmt::format("\t{}-{}:{:.5f}", r.set, r.metric, r.value);
  }
  std::puts(line.c_str());
  std::fflush(stdout);
}

// A whole-string unsigned integer of at least `minimum`, or an InvalidInput naming the option.
std::uint64_t ParseCount(std::string_view option, const std::string& text, std::uint64_t minimum) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < minimum) {
    throw InvalidInput(fmt::format("--{}: got \"{}\", expected an integer >= {}", option, text,
                                   minimum));
  }
  return value;
}

}  // namespace

int RunDemo(int argc, char** argv) {
  cxxopts::Options options("grove demo",
                           "Generate the guide's demo data set and train on it as a job would");
  options.add_options()
      ("out", "directory for train/, validation/ and model/",
       cxxopts::value<std::string>()->default_value("grove-demo"))
      ("rows", "rows to generate (80% train, 20% validation)",
       cxxopts::value<std::string>()->default_value("10000"))
      ("seed", "random seed of the data", cxxopts::value<std::string>()->default_value("42"))
      ("h,help", "show this help");
  const auto args = options.parse(argc, argv);
  if (args.count("help")) {
    std::fputs(options.help().c_str(), stdout);
    return 0;
  }
  const std::filesystem::path out = args["out"].as<std::string>();
  const DemoData demo = MakeDemoData(ParseCount("rows", args["rows"].as<std::string>(), 10),
                                     ParseCount("seed", args["seed"].as<std::string>(), 0));
  io::WriteCsv(demo.train, out / "train" / "train.csv");
  io::WriteCsv(demo.test, out / "validation" / "validation.csv");
  Log(LogLevel::kInfo, fmt::format("Wrote the demo data set to {}", out.string()));

  io::ReadOptions read;
  read.format = io::Format::kCsv;
  const DataSet train = io::ReadChannel(out / "train", read);
  const DataSet validation = io::ReadChannel(out / "validation", read);
  Log(LogLevel::kInfo, fmt::format("Train matrix has {} rows and {} columns", train.NumRows(),
                                   train.NumFeatures()));
  Log(LogLevel::kInfo, fmt::format("Validation matrix has {} rows", validation.NumRows()));

  const TrainParams params = ParseParams(kGuideParams);
  const std::vector<EvalSet> evals = {{"train", &train}, {"validation", &validation}};
  TrainOptions train_options;
  train_options.on_round = [](const RoundInfo& round) {
    PrintRound(round);
    return true;
  };
  const Model model = Train(params, train, evals, train_options);
  const std::filesystem::path model_path = out / "model" / "grove-model.json";
  std::filesystem::create_directories(model_path.parent_path());
  model.Save(model_path);
  Log(LogLevel::kInfo, fmt::format("Saved the model ({} trees) to {}", model.trees.size(),
                                   model_path.string()));
  return 0;
}

}  // namespace grove::cli
