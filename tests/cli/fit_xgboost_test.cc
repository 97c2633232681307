// `grove train` as SageMaker's built-in XGBoost algorithm (the guide's section 2 and 4): a fake
// /opt/ml tree in a temp dir, the built binary, and the files and log lines SageMaker reads.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "fit_helpers.h"

using namespace grove::test;
namespace fs = std::filesystem;

namespace {

// The guide's set_hyperparameters, as the generic Estimator sends them (str() of each value).
std::map<std::string, std::string> GuideHyperparameters() {
  return {{"objective", "binary:logistic"}, {"num_round", "100"}, {"max_depth", "5"},
          {"eta", "0.2"}, {"gamma", "4"}, {"min_child_weight", "6"}, {"subsample", "0.8"},
          {"eval_metric", "auc"}};
}

constexpr const char* kCsvChannels =
    R"({"train": {"ContentType": "text/csv", "TrainingInputMode": "File",
                  "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"},
        "validation": {"ContentType": "text/csv", "TrainingInputMode": "File"}})";

// Headerless CSV (label first) as libsvm with 0-based indices; NaN/empty cells are left out.
void CsvToLibsvm(const fs::path& csv, const fs::path& out) {
  std::ifstream in(csv);
  std::ofstream os(out);
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream cells(line);
    std::string cell;
    std::getline(cells, cell, ',');
    os << cell;
    for (int k = 0; std::getline(cells, cell, ','); ++k) {
      if (!cell.empty()) os << ' ' << k << ':' << cell;
    }
    os << '\n';
  }
}

}  // namespace

TEST_CASE("fit: the guide's built-in XGBoost job with train and validation CSV", "[e2e]") {
  TempDir data;
  MakeDemoData(data.path(), 2500);
  SmRoot root;
  root.Hyperparameters(GuideHyperparameters());
  root.Config("inputdataconfig.json", kCsvChannels);
  root.Config("resourceconfig.json",
              R"({"current_host": "algo-1", "hosts": ["algo-1"], "network_interface_name": "eth0"})");
  root.AddData("train", data / "train/train.csv", "train.csv");
  root.AddData("validation", data / "validation/validation.csv", "test.csv");
  WriteText(root / "output/failure", "stale failure of an earlier attempt");

  const CommandResult result = root.Train();
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_FALSE(root.HasFailure());
  // Exactly one file in the model dir, as SageMaker's XGBoost serving container expects.
  CHECK(root.ModelFiles() == std::vector<std::string>{"xgboost-model"});

  const std::vector<std::string> lines = RoundLines(result.output);
  REQUIRE(lines.size() == 100);
  const std::regex line_format(
      R"(\[([0-9]+)\]\ttrain-auc:([0-9]\.[0-9]{5})\tvalidation-auc:([0-9]\.[0-9]{5}))");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    REQUIRE(std::regex_match(lines[i], m, line_format));
    CHECK(std::stoul(m[1].str()) == i);
  }
  // The service's metric definitions for the built-in algorithm, on CloudWatch's #011 form,
  // and the container's own (metadata) regex.
  const std::string last = CloudWatch(lines.back());
  std::smatch m;
  REQUIRE(std::regex_match(last, m, std::regex(R"(.*\[[0-9]+\].*#011validation-auc:([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*)")));
  const double validation_auc = std::stod(m[1].str());
  CHECK(validation_auc > 0.95);
  REQUIRE(std::regex_match(last, m, std::regex(R"(.*\[[0-9]+\].*#011train-auc:([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*)")));
  CHECK(std::stod(m[1].str()) >= validation_auc - 0.05);
  REQUIRE(std::regex_match(last, m, std::regex(R"(.*\[[0-9]+\].*#011validation-auc:(\S+))")));
  CHECK(std::stod(m[1].str()) == validation_auc);

  // Output data: per-round history, importances and grove's native model with its schema.
  const std::string history = ReadText(root / "output/data/metrics-history.jsonl");
  CHECK(std::count(history.begin(), history.end(), '\n') == 100);
  CHECK_THAT(history, Catch::StartsWith("{\"round\":0,\"train-auc\":"));
  CHECK_THAT(ReadText(root / "output/data/feature-importance.json"), Catch::Contains("\"gain\""));
  CHECK(fs::file_size(root / "output/data/grove-model.json") > 1000);

  // Independent truth: XGBoost 1.7.4 loads xgboost-model and its AUC on the validation file is
  // the one grove logged for the last round.
  const std::string script = R"(
import numpy as np, xgboost as xgb
from sklearn.metrics import roc_auc_score
b = xgb.Booster(model_file=")" + (root / "model/xgboost-model").string() + R"(")
v = np.loadtxt(")" + (data / "validation/validation.csv").string() + R"(", delimiter=",")
p = b.predict(xgb.DMatrix(v[:, 1:]))
print(b.num_boosted_rounds(), "%.5f" % roc_auc_score(v[:, 0], p))
)";
  const std::string peer = RunPython(script);
  CHECK(peer == "100 " + std::string(m[1].str()) + "\n");
}

TEST_CASE("fit: libsvm channels, with and without a ContentType", "[e2e]") {
  TempDir data;
  MakeDemoData(data.path(), 1500);
  CsvToLibsvm(data / "train/train.csv", data / "train.libsvm");
  CsvToLibsvm(data / "validation/validation.csv", data / "validation.libsvm");
  auto params = GuideHyperparameters();
  params["num_round"] = "10";

  SmRoot csv, libsvm, detected;
  for (const SmRoot* root : {&csv, &libsvm, &detected}) root->Hyperparameters(params);
  csv.Config("inputdataconfig.json", kCsvChannels);
  csv.AddData("train", data / "train/train.csv");
  csv.AddData("validation", data / "validation/validation.csv");
  libsvm.Config("inputdataconfig.json",
                R"({"train": {"ContentType": "text/libsvm"}, "validation": {"ContentType": "libsvm"}})");
  detected.Config("inputdataconfig.json",
                  R"({"train": {"TrainingInputMode": "File"}, "validation": {}})");
  for (const SmRoot* root : {&libsvm, &detected}) {
    root->AddData("train", data / "train.libsvm", "train.libsvm");
    root->AddData("validation", data / "validation.libsvm", "validation.libsvm");
  }
  const CommandResult a = csv.Train(), b = libsvm.Train(), c = detected.Train();
  INFO(a.output << b.output << c.output);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  REQUIRE(c.exit_code == 0);
  // The built-in would parse a channel without ContentType as libsvm; grove detects and says so.
  CHECK_THAT(c.output, Catch::Contains("has no ContentType"));
  CHECK_THAT(c.output, Catch::Contains("as libsvm (detected"));
  // The demo data has no missing cells, so both formats hold the same matrix: same log.
  CHECK(RoundLines(a.output) == RoundLines(b.output));
  CHECK(RoundLines(b.output) == RoundLines(c.output));
}

TEST_CASE("fit: a channel of several files in subdirectories and a Pipe-mode FIFO", "[e2e]") {
  TempDir data;
  MakeDemoData(data.path(), 1500);
  auto params = GuideHyperparameters();
  params["num_round"] = "10";
  // Split train.csv into three files whose sorted order is the original row order.
  const std::string text = ReadText(data / "train/train.csv");
  std::vector<std::string> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) rows.push_back(line + "\n");
  std::string parts[3];
  for (std::size_t r = 0; r < rows.size(); ++r) parts[r * 3 / rows.size()] += rows[r];

  SmRoot single, multi, pipe;
  for (const SmRoot* root : {&single, &multi, &pipe}) {
    root->Hyperparameters(params);
    root->AddData("validation", data / "validation/validation.csv");
  }
  single.Config("inputdataconfig.json", kCsvChannels);
  single.AddData("train", data / "train/train.csv");
  multi.Config("inputdataconfig.json", kCsvChannels);
  WriteText(multi / "input/data/train/part-0.csv", parts[0]);
  WriteText(multi / "input/data/train/part-1.csv", parts[1]);
  WriteText(multi / "input/data/train/sub/dir/part-2.csv", parts[2]);
  pipe.Config("inputdataconfig.json",
              R"({"train": {"ContentType": "text/csv", "TrainingInputMode": "Pipe"},
                  "validation": {"ContentType": "text/csv", "TrainingInputMode": "File"}})");
  const fs::path fifo = pipe / "input/data/train_0";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // SageMaker streams the channel into the FIFO; `cat` plays that part.
  const pid_t writer = Spawn("dd status=none if=" + (data / "train/train.csv").string() +
                                 " of=" + fifo.string(),
                             data / "writer.log");

  const CommandResult a = single.Train(), b = multi.Train(), c = pipe.Train();
  INFO(a.output << b.output << c.output);
  CHECK(WaitExit(writer, std::chrono::seconds(30)) == 0);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  REQUIRE(c.exit_code == 0);
  CHECK_THAT(b.output, Catch::Contains("Reading 3 file(s)"));
  CHECK_THAT(a.output, Catch::Contains("Train matrix has 1200 rows"));
  CHECK_THAT(b.output, Catch::Contains("Train matrix has 1200 rows"));
  CHECK_THAT(c.output, Catch::Contains("Train matrix has 1200 rows"));
  const std::string model = ReadText(single / "model/xgboost-model");
  CHECK(ReadText(multi / "model/xgboost-model") == model);
  CHECK(ReadText(pipe / "model/xgboost-model") == model);
}

TEST_CASE("fit: the tuner's objective metric is reported and watched by early stopping", "[e2e]") {
  TempDir data;
  MakeDemoData(data.path(), 1500);
  SmRoot root;
  // As a framework estimator sends them: every value JSON-encoded, plus SageMaker's own keys.
  root.Config("hyperparameters.json", R"({
      "objective": "\"binary:logistic\"", "num_round": "300", "eta": "0.5",
      "eval_metric": "\"auc\"", "early_stopping_rounds": "3",
      "_tuning_objective_metric": "validation:logloss",
      "sagemaker_program": "\"train.py\"", "sagemaker_region": "\"us-east-1\""})");
  root.Config("inputdataconfig.json", kCsvChannels);
  root.AddData("train", data / "train/train.csv");
  root.AddData("validation", data / "validation/validation.csv");
  const CommandResult result = root.Train();
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const std::vector<std::string> lines = RoundLines(result.output);
  REQUIRE(lines.size() >= 4);
  CHECK(lines.size() < 300);  // stopped early
  // The tuning metric joins the user's metrics as the last one, the one early stopping watches.
  CHECK(std::regex_match(CloudWatch(lines.back()),
                         std::regex(R"(\[[0-9]+\]#011train-auc:\S+#011train-logloss:\S+#011validation-auc:\S+#011validation-logloss:[0-9.]+)")));
  // The best round is 3 before the last; the saved model is cut back to it.
  const std::string rounds = RunPython(
      "import xgboost as xgb\nprint(xgb.Booster(model_file='" +
      (root / "model/xgboost-model").string() + "').num_boosted_rounds())\n");
  CHECK(std::stoul(rounds) == lines.size() - 3);
}
