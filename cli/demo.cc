// `grove demo`: the README's first command. Generates the user guide's demo data set (section
// 2.1), writes it as the guide's headerless CSV files, reads the files back through the same
// loader a training job uses, and evaluates a reference score with the job's metrics.
// When the training engine lands, this verb trains on the files instead.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <cxxopts.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "grove/dataset.h"
#include "grove/demo.h"
#include "grove/io.h"
#include "grove/log.h"
#include "grove/metrics.h"

namespace grove::cli {
namespace {

// The generating rule without its noise term, squashed to a probability: the best score any
// model can hope to approach on this data, so its metrics are a yardstick for trained models.
std::vector<float> ReferenceScore(const DataSet& data) {
  const DenseMatrix& x = data.Dense();
  std::vector<float> score(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    const double margin = (x.At(r, 0) + 0.5 * x.At(r, 1)) / 0.3;
    score[r] = static_cast<float>(1.0 / (1.0 + std::exp(-margin)));
  }
  return score;
}

}  // namespace

int RunDemo(int argc, char** argv) {
  cxxopts::Options options("grove demo", "Generate, load and evaluate the guide's demo data set");
  options.add_options()
      ("out", "directory for train/train.csv and validation/validation.csv",
       cxxopts::value<std::string>()->default_value("grove-demo"))
      ("rows", "rows to generate (80% train, 20% validation)",
       cxxopts::value<std::size_t>()->default_value("10000"))
      ("seed", "random seed", cxxopts::value<std::uint64_t>()->default_value("42"))
      ("h,help", "show this help");
  const auto args = options.parse(argc, argv);
  if (args.count("help")) {
    std::fputs(options.help().c_str(), stdout);
    return 0;
  }
  const std::filesystem::path out = args["out"].as<std::string>();
  const DemoData demo = MakeDemoData(args["rows"].as<std::size_t>(), args["seed"].as<std::uint64_t>());
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

  // One line in the per-round format of a training job, for the reference score.
  std::string line = "[reference]";
  for (const auto& [name, data] : {std::pair{"train", &train}, std::pair{"validation", &validation}}) {
    const std::vector<float> score = ReferenceScore(*data);
    for (const char* metric_name : {"auc", "logloss", "error"}) {
      const auto metric = CreateMetric(metric_name);
      MetricInput input;
      input.predictions = score;
      input.labels = data->labels;
      line += fmt::format("\t{}-{}:{:.5f}", name, metric->Name(), metric->Evaluate(input));
    }
  }
  std::puts(line.c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace grove::cli
