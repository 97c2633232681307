// `grove fit` in script mode as the guide's scikit-learn RandomForest job (section 3) and its
// tuning job (section 4): SM_* variables for the paths, the script's flags for the forest.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "fit_helpers.h"

using namespace grove::test;

TEST_CASE("fit: the guide's RandomForest script job with train and test channels", "[e2e]") {
  TempDir data;
  MakeDemoData(data.path(), 2000);
  TempDir root;
  std::filesystem::create_directories(root / "model");
  // The variables SageMaker's training toolkit sets for the entry point.
  const std::string env = "env SM_CHANNEL_TRAIN=" + (data / "train").string() +
                          " SM_CHANNEL_TEST=" + (data / "validation").string() +
                          " SM_MODEL_DIR=" + (root / "model").string() +
                          " SM_OUTPUT_DATA_DIR=" + (root / "output/data").string() +
                          " SM_OUTPUT_DIR=" + (root / "output").string() +
                          " SM_HPS='{\"max-depth\":15,\"min-samples-split\":5,\"n-estimators\":200}' ";
  // The toolkit's command line for hyperparameters {'n-estimators': 200, 'max-depth': 15,
  // 'min-samples-split': 5}, plus the algorithm.
  const CommandResult result =
      RunCommand(env + GroveBinary() +
                 " fit --algorithm random_forest --max-depth 15 --min-samples-split 5"
                 " --n-estimators 200");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(root / "output/failure"));
  CHECK(std::filesystem::exists(root / "model/grove-model.json"));
  CHECK_THAT(result.output, Catch::Contains("objective=binary:logistic"));

  // The guide's metric definition for the tuner, on grove's output.
  std::smatch m;
  REQUIRE(std::regex_search(result.output, m, std::regex(R"(Test AUC: ([0-9\.]+))")));
  const double auc = std::stod(m[1].str());
  REQUIRE(std::regex_search(result.output, m, std::regex(R"(Test Accuracy: ([0-9\.]+))")));
  const double accuracy = std::stod(m[1].str());
  CHECK(std::regex_search(result.output, std::regex(R"(\nTest AUC: [01]\.[0-9]{4}\n)")));

  // Independent truth: scikit-learn's RandomForestClassifier with the script's settings on the
  // same files. Forests differ in their random draws, so the scores agree within a band.
  const std::string peer = RunPython(R"(
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, roc_auc_score
tr = np.loadtxt(")" + (data / "train/train.csv").string() + R"(", delimiter=",")
te = np.loadtxt(")" + (data / "validation/validation.csv").string() + R"(", delimiter=",")
m = RandomForestClassifier(n_estimators=200, max_depth=15, min_samples_split=5, random_state=42, n_jobs=-1)
m.fit(tr[:, 1:], tr[:, 0])
print(accuracy_score(te[:, 0], m.predict(te[:, 1:])), roc_auc_score(te[:, 0], m.predict_proba(te[:, 1:])[:, 1]))
)");
  double sk_accuracy = 0, sk_auc = 0;
  std::istringstream(peer) >> sk_accuracy >> sk_auc;
  INFO("scikit-learn: " << peer);
  CHECK(auc > 0.9);
  CHECK(std::abs(auc - sk_auc) < 0.02);
  CHECK(std::abs(accuracy - sk_accuracy) < 0.03);
}

TEST_CASE("fit: script-mode flags in both spellings, sagemaker_* keys ignored", "[e2e]") {
  TempDir data;
  MakeDemoData(data.path(), 600);
  TempDir out;
  const std::string env = "env SM_CHANNEL_TRAIN=" + (data / "train").string() +
                          " SM_CHANNEL_VALIDATION=" + (data / "validation").string() +
                          " SM_MODEL_DIR=" + (out / "model").string() +
                          " SM_OUTPUT_DIR=" + (out / "output").string() + " ";
  const CommandResult result =
      RunCommand(env + GroveBinary() +
                 " fit --objective binary:logistic --num-round 5 --max_depth 3"
                 " --eval-metric auc,logloss --sagemaker_program train.py"
                 " --_tuning_objective_metric 'Test AUC'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(RoundLines(result.output).size() == 5);
  CHECK_THAT(result.output, Catch::Contains("custom metric"));
  CHECK(std::filesystem::exists(out / "model/xgboost-model"));

  const CommandResult twice = RunCommand(env + GroveBinary() + " fit --max-depth 3 --max_depth 4");
  CHECK(twice.exit_code == 1);
  CHECK_THAT(ReadText(out / "output/failure"), Catch::Contains("max_depth"));
}

namespace {

// `grove fit --train <csv> --model-dir <dir>/model --algorithm random_forest <flags>` on rows
// `label,x1,x2` with the given labels (x1 follows the label, x2 is noise).
CommandResult FitForest(const TempDir& dir, const std::vector<std::string>& labels,
                        const std::string& flags) {
  std::string text;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    text += labels[i] + "," + labels[i] + ".25," + std::to_string(i % 7) + "\n";
  }
  WriteText(dir / "train.csv", text);
  return RunCommand(GroveBinary() + " fit --train " + (dir / "train.csv").string() +
                    " --model-dir " + (dir / "model").string() +
                    " --algorithm random_forest --n-estimators 3 " + flags);
}

std::string Objective(const TempDir& dir) {
  const std::string model = ReadText(dir / "model/grove-model.json");
  std::smatch m;
  return std::regex_search(model, m, std::regex(R"x("objective":"([^"]+)")x")) ? m[1].str() : "";
}

}  // namespace

TEST_CASE("fit: a forest's task follows classifier- or regressor-only settings", "[e2e]") {
  std::vector<std::string> binary, integers;
  for (int i = 0; i < 60; ++i) {
    binary.push_back(std::to_string(i % 2));
    integers.push_back(std::to_string(240 + i % 9));  // integer targets, not class indices
  }
  SECTION("criterion=entropy and class_weight on 0/1 labels: a classifier") {
    TempDir dir;
    const CommandResult r = FitForest(dir, binary, "--criterion entropy --class-weight balanced");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(Objective(dir) == "binary:logistic");
  }
  SECTION("criterion=squared_error on 0/1 labels: a regressor") {
    TempDir dir;
    const CommandResult r = FitForest(dir, binary, "--criterion squared_error");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(Objective(dir) == "reg:squarederror");
  }
  SECTION("integer labels that are not class indices: a regressor, not 249 classes") {
    TempDir dir;
    const CommandResult r = FitForest(dir, integers, "");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(Objective(dir) == "reg:squarederror");
    CHECK_THAT(r.output, Catch::Contains("not class indices 0..99 (e.g. 240)"));
  }
  SECTION("criterion=gini with such labels: an error at the label's line") {
    TempDir dir;
    const CommandResult r = FitForest(dir, integers, "--criterion gini");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("train.csv:1: label 240 is not a class index in [0, 100), "
                                         "which criterion=gini (a classifier setting) needs"));
  }
}
