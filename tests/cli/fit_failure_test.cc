// Every failure of `grove train` ends the same way: one clear message in output/failure (its
// first 1024 characters are what SageMaker shows), exit code 1, and no model.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "fit_helpers.h"

using namespace grove::test;

namespace {

struct Failed {
  int exit_code;
  std::string failure;
  std::string output;
};

// A job on good demo data, with the given changes, expected to fail.
Failed RunFailingJob(const std::map<std::string, std::string>& hyperparameters,
                     const std::function<void(const SmRoot&, const TempDir&)>& change = {}) {
  TempDir data;
  MakeDemoData(data.path(), 500);
  SmRoot root;
  root.Hyperparameters(hyperparameters);
  root.Config("inputdataconfig.json",
              R"({"train": {"ContentType": "text/csv"}, "validation": {"ContentType": "text/csv"}})");
  root.AddData("train", data / "train/train.csv");
  root.AddData("validation", data / "validation/validation.csv");
  if (change) change(root, data);
  const CommandResult result = root.Train();
  INFO(result.output);
  CHECK(root.ModelFiles().empty());
  REQUIRE(root.HasFailure());
  const std::string failure = root.Failure();
  CHECK(failure.size() < 1024);
  CHECK_THAT(result.output, Catch::Contains(failure.substr(0, failure.size() - 1)));
  return {result.exit_code, failure, result.output};
}

const std::map<std::string, std::string> kGood = {
    {"objective", "binary:logistic"}, {"num_round", "5"}, {"eval_metric", "auc"}};

std::map<std::string, std::string> With(std::string key, std::string value) {
  auto out = kGood;
  out[key] = value;
  return out;
}

}  // namespace

TEST_CASE("fit failure: a hyperparameter value out of range", "[e2e]") {
  const Failed f = RunFailingJob(With("eta", "1.5"));
  CHECK(f.exit_code == 1);
  CHECK(f.failure == "hyperparameter eta: 1.5 is not in [0, 1]\n");
}

TEST_CASE("fit failure: an integer hyperparameter written as a float", "[e2e]") {
  const Failed f = RunFailingJob(With("num_round", "100.0"));
  CHECK(f.exit_code == 1);
  CHECK_THAT(f.failure, Catch::StartsWith("hyperparameter num_round: "));
  CHECK_THAT(f.failure, Catch::Contains("100.0"));
}

TEST_CASE("fit failure: an unknown hyperparameter, with the closest name", "[e2e]") {
  const Failed f = RunFailingJob(With("colsample_by_tree", "0.5"));
  CHECK(f.exit_code == 1);
  CHECK(f.failure == "unknown hyperparameter \"colsample_by_tree\"; did you mean \"colsample_bytree\"?\n");
}

TEST_CASE("fit failure: num_round missing, as the built-in requires it", "[e2e]") {
  auto params = kGood;
  params.erase("num_round");
  const Failed f = RunFailingJob(params);
  CHECK(f.exit_code == 1);
  CHECK_THAT(f.failure, Catch::StartsWith("Missing required hyperparameter: num_round"));
}

TEST_CASE("fit failure: hyperparameters are checked before any data is read", "[e2e]") {
  const Failed f = RunFailingJob(With("max_depth", "-1"), [](const SmRoot& root, const TempDir&) {
    WriteText(root / "input/data/train/data.csv", "1,2,3\n0,oops\n");
  });
  CHECK(f.exit_code == 1);
  CHECK_THAT(f.failure, Catch::StartsWith("hyperparameter max_depth: -1"));
  CHECK_THAT(f.output, !Catch::Contains("Reading 1 file(s)"));
}

TEST_CASE("fit failure: no train channel", "[e2e]") {
  const Failed f = RunFailingJob(kGood, [](const SmRoot& root, const TempDir&) {
    root.Config("inputdataconfig.json", R"({"validation": {"ContentType": "text/csv"}})");
    std::filesystem::remove_all(root / "input/data/train");
  });
  CHECK(f.exit_code == 1);
  CHECK_THAT(f.failure, Catch::StartsWith("Missing required channel: train; declare a \"train\" input"));
}

TEST_CASE("fit failure: an unknown channel name", "[e2e]") {
  const Failed f = RunFailingJob(kGood, [](const SmRoot& root, const TempDir&) {
    root.Config("inputdataconfig.json",
                R"({"train": {"ContentType": "text/csv"}, "valdation": {"ContentType": "text/csv"}})");
  });
  CHECK(f.exit_code == 1);
  CHECK_THAT(f.failure, Catch::Contains("unknown channel \"valdation\""));
}

TEST_CASE("fit failure: a malformed CSV row names the file and line", "[e2e]") {
  const Failed f = RunFailingJob(kGood, [](const SmRoot& root, const TempDir& data) {
    std::string text = ReadText(data / "train/train.csv");
    // Row 7 loses its last two cells.
    std::size_t pos = 0;
    for (int line = 0; line < 6; ++line) pos = text.find('\n', pos) + 1;
    const std::size_t end = text.find('\n', pos);
    const std::string row = text.substr(pos, end - pos);
    const std::string shorter = row.substr(0, row.rfind(',', row.rfind(',') - 1));
    text.replace(pos, end - pos, shorter);
    WriteText(root / "input/data/train/data.csv", text);
  });
  CHECK(f.exit_code == 1);
  CHECK_THAT(f.failure, Catch::Contains("data.csv:7"));
}

TEST_CASE("fit failure: a label outside the objective's domain", "[e2e]") {
  const Failed f = RunFailingJob(kGood, [](const SmRoot& root, const TempDir& data) {
    std::string text = ReadText(data / "train/train.csv");
    const std::size_t pos = text.find('\n') + 1;  // row 2's label
    text.replace(pos, 1, "2");
    WriteText(root / "input/data/train/data.csv", text);
  });
  CHECK(f.exit_code == 1);
  // The exact file and line, then what is wrong and how to fix it; no other channel.
  CHECK_THAT(f.failure, Catch::StartsWith("/"));
  CHECK_THAT(f.failure,
             Catch::Contains("/input/data/train/data.csv:2: label 2 is not in [0, 1] as "
                             "binary:logistic requires (channel train, row 2 of its data); "
                             "correct the label"));
  CHECK_THAT(f.failure, !Catch::Contains("validation"));
  CHECK_THAT(f.output, !Catch::Contains("[0]\t"));
}

TEST_CASE("fit failure: a bad label in the second file of a validation channel", "[e2e]") {
  const Failed f = RunFailingJob(kGood, [](const SmRoot& root, const TempDir& data) {
    const std::string text = ReadText(data / "validation/validation.csv");
    std::size_t pos = 0;
    for (int line = 0; line < 40; ++line) pos = text.find('\n', pos) + 1;
    WriteText(root / "input/data/validation/data.csv", text.substr(0, pos));
    // part-b.csv: line 3 holds the label 5, which binary:logistic cannot train on.
    std::string rest = text.substr(pos);
    std::size_t third = rest.find('\n', rest.find('\n') + 1) + 1;
    rest.replace(third, rest.find(',', third) - third, "5");
    WriteText(root / "input/data/validation/part-b.csv", rest);
  });
  CHECK(f.exit_code == 1);
  CHECK_THAT(f.failure,
             Catch::Contains("/input/data/validation/part-b.csv:3: label 5 is not in [0, 1] "
                             "as binary:logistic requires"));
  CHECK_THAT(f.failure, Catch::Contains("(channel validation, row 43 of its data)"));
  CHECK_THAT(f.failure, !Catch::Contains("input/data/train"));
}

TEST_CASE("fit failure: a bad test-channel label is found before training, not after", "[e2e]") {
  const Failed f = RunFailingJob(kGood, [](const SmRoot& root, const TempDir& data) {
    root.Config("inputdataconfig.json", R"({"train": {"ContentType": "text/csv"},
        "validation": {"ContentType": "text/csv"}, "test": {"ContentType": "text/csv"}})");
    std::string text = ReadText(data / "validation/validation.csv");
    std::size_t pos = 0;
    for (int line = 0; line < 4; ++line) pos = text.find('\n', pos) + 1;  // line 5's label
    text.replace(pos, text.find(',', pos) - pos, "-1");
    WriteText(root / "input/data/test/data.csv", text);
  });
  CHECK(f.exit_code == 1);
  CHECK_THAT(f.failure, Catch::Contains("/input/data/test/data.csv:5: label -1 is not in [0, 1] "
                                        "as binary:logistic requires (channel test, row 5 of "
                                        "its data)"));
  CHECK_THAT(f.output, !Catch::Contains("[0]\t"));
}

TEST_CASE("fit failure: a long message keeps a first part under 1024 characters", "[e2e]") {
  std::map<std::string, std::string> params = kGood;
  for (int k = 0; k < 40; ++k) params["no_such_parameter_number_" + std::to_string(k)] = "1";
  TempDir data;
  MakeDemoData(data.path(), 200);
  SmRoot root;
  root.Hyperparameters(params);
  root.AddData("train", data / "train/train.csv");
  const CommandResult result = root.Train();
  CHECK(result.exit_code == 1);
  const std::string failure = root.Failure();
  const std::size_t cut = failure.find(" [...]\n\n");
  REQUIRE(cut != std::string::npos);
  CHECK(cut + 6 <= 1024);
  CHECK_THAT(failure, Catch::Contains("no_such_parameter_number_9"));
}
