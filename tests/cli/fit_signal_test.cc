// Spot training and stopped jobs: a job killed without warning (SIGKILL) resumes from its
// checkpoints to the same model bits as an uninterrupted run; SIGTERM saves and exits promptly.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "fit_helpers.h"

using namespace grove::test;
namespace fs = std::filesystem;

namespace {

// ~3 s of training on the build machine: long enough to interrupt in the middle.
void SetUpSlowJob(const SmRoot& root, const TempDir& data) {
  root.Hyperparameters({{"objective", "binary:logistic"}, {"num_round", "200"},
                        {"max_depth", "8"}, {"eta", "0.1"}, {"subsample", "0.8"},
                        {"checkpoint_frequency", "5"}});
  root.Config("checkpointconfig.json",
              "{\"LocalPath\": \"" + (root / "checkpoints").string() + "\", \"S3Uri\": \"s3://b/c\"}");
  root.Config("inputdataconfig.json", R"({"train": {"ContentType": "text/csv"}})");
  root.AddData("train", data / "train/train.csv");
}

bool HasCheckpoint(const SmRoot& root, int round) {
  return fs::exists(root / ("checkpoints/grove-checkpoint." + std::to_string(round)));
}

}  // namespace

TEST_CASE("fit: killed with SIGKILL and rerun, the model is bit-identical", "[e2e][slow]") {
  TempDir data;
  MakeDemoData(data.path(), 100000);
  SmRoot straight, interrupted;
  SetUpSlowJob(straight, data);
  SetUpSlowJob(interrupted, data);

  const CommandResult reference = straight.Train();
  REQUIRE(reference.exit_code == 0);

  const pid_t pid = Spawn(GroveBinary() + " train --sm-root " + interrupted.path().string(),
                          data / "first.log");
  REQUIRE(WaitUntil([&] { return HasCheckpoint(interrupted, 49); }, std::chrono::seconds(120)));
  ::kill(pid, SIGKILL);
  CHECK(WaitExit(pid, std::chrono::seconds(10)) == 128 + SIGKILL);
  INFO(ReadText(data / "first.log"));
  REQUIRE(interrupted.ModelFiles().empty());  // it really was stopped mid-training
  // A checkpoint cut short by the kill (or by a failed upload) is skipped.
  WriteText(interrupted / "checkpoints/grove-checkpoint.1000", "{\"format\":\"grove-mo");

  const CommandResult resumed = interrupted.Train();
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Catch::Contains("Skipping checkpoint"));
  CHECK_THAT(resumed.output, Catch::Contains("Resuming from checkpoint"));
  const std::vector<std::string> lines = RoundLines(resumed.output);
  REQUIRE_FALSE(lines.empty());
  CHECK(std::stoi(lines.front().substr(1)) >= 50);  // continues after the checkpoint
  CHECK_THAT(lines.back(), Catch::StartsWith("[199]\t"));
  CHECK(ReadText(interrupted / "model/xgboost-model") == ReadText(straight / "model/xgboost-model"));
  CHECK(ReadText(interrupted / "output/data/grove-model.json") ==
        ReadText(straight / "output/data/grove-model.json"));
  // The metrics history holds every round, those before the resume included, as the
  // uninterrupted job's does.
  CHECK(ReadText(interrupted / "output/data/metrics-history.jsonl") ==
        ReadText(straight / "output/data/metrics-history.jsonl"));
  // The newest few checkpoints are kept, older ones removed.
  int kept = 0;
  for (const auto& entry : fs::directory_iterator(interrupted / "checkpoints")) {
    kept += entry.path().filename().string().starts_with("grove-checkpoint.") ? 1 : 0;
  }
  CHECK(kept <= 6);  // 5 + the unreadable one, which grove never deletes on its own
}

TEST_CASE("fit: SIGTERM writes a checkpoint and the model so far and exits promptly", "[e2e]") {
  TempDir data;
  MakeDemoData(data.path(), 100000);
  SmRoot root;
  SetUpSlowJob(root, data);
  const pid_t pid = Spawn(GroveBinary() + " train --sm-root " + root.path().string(),
                          data / "job.log");
  REQUIRE(WaitUntil([&] { return HasCheckpoint(root, 9); }, std::chrono::seconds(120)));
  ::kill(pid, SIGTERM);
  const auto sent = std::chrono::steady_clock::now();
  const int code = WaitExit(pid, std::chrono::seconds(20));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  const std::string log = ReadText(data / "job.log");
  INFO(log);
  CHECK(code == 128 + SIGTERM);
  CHECK(seconds < 5.0);
  CHECK_THAT(log, Catch::Contains("Stopped by SIGTERM after"));
  CHECK_FALSE(root.HasFailure());
  REQUIRE(root.ModelFiles() == std::vector<std::string>{"xgboost-model"});
  // The checkpoint written on SIGTERM holds exactly the rounds logged, as does the model.
  const std::vector<std::string> lines = RoundLines(log);
  REQUIRE_FALSE(lines.empty());
  const int last = std::stoi(lines.back().substr(1));
  CHECK(last < 199);
  CHECK(HasCheckpoint(root, last));
  const std::string rounds = RunPython(
      "import xgboost as xgb\nprint(xgb.Booster(model_file='" +
      (root / "model/xgboost-model").string() + "').num_boosted_rounds())\n");
  CHECK(std::stoi(rounds) == last + 1);
}

TEST_CASE("fit: rerunning a job that stopped early trains nothing more and rewrites its outputs",
          "[e2e]") {
  TempDir data;
  MakeDemoData(data.path(), 1500);
  SmRoot root;
  root.Hyperparameters({{"objective", "binary:logistic"}, {"num_round", "300"}, {"eta", "0.5"},
                        {"eval_metric", "logloss"}, {"early_stopping_rounds", "3"},
                        {"checkpoint_frequency", "4"}});
  root.Config("checkpointconfig.json",
              "{\"LocalPath\": \"" + (root / "checkpoints").string() + "\"}");
  root.AddData("train", data / "train/train.csv");
  root.AddData("validation", data / "validation/validation.csv");
  const CommandResult first = root.Train();
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const std::vector<std::string> lines = RoundLines(first.output);
  REQUIRE(lines.size() < 300);  // stopped early
  const std::string model = ReadText(root / "model/xgboost-model");
  const std::string native = ReadText(root / "output/data/grove-model.json");
  const std::string history = ReadText(root / "output/data/metrics-history.jsonl");
  CHECK(std::count(history.begin(), history.end(), '\n') == static_cast<long>(lines.size()));
  fs::remove(root / "model/xgboost-model");
  fs::remove(root / "output/data/metrics-history.jsonl");

  const CommandResult again = root.Train();
  INFO(again.output);
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.output, Catch::Contains("The checkpoint holds the finished job"));
  CHECK(RoundLines(again.output).empty());
  CHECK(ReadText(root / "model/xgboost-model") == model);
  CHECK(ReadText(root / "output/data/grove-model.json") == native);
  CHECK(ReadText(root / "output/data/metrics-history.jsonl") == history);
}

TEST_CASE("fit: a checkpoint with more rounds than num_round is refused, not cut", "[e2e]") {
  TempDir data;
  MakeDemoData(data.path(), 500);
  SmRoot root;
  const auto params = [&](const char* rounds) {
    root.Hyperparameters({{"objective", "binary:logistic"}, {"num_round", rounds}});
  };
  params("8");
  root.Config("checkpointconfig.json",
              "{\"LocalPath\": \"" + (root / "checkpoints").string() + "\"}");
  root.AddData("train", data / "train/train.csv");
  REQUIRE(root.Train().exit_code == 0);
  fs::remove_all(root / "model");
  params("5");
  const CommandResult fewer = root.Train();
  INFO(fewer.output);
  CHECK(fewer.exit_code == 1);
  CHECK_THAT(root.Failure(), Catch::Contains("grove-checkpoint.7 holds 8 rounds, more than "
                                             "num_round=5; set num_round to at least 8"));
  CHECK_FALSE(fs::exists(root / "model/xgboost-model"));
}
