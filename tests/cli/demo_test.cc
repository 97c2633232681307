#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <string>

#include "grove/io.h"
#include "test_util.h"

using grove::test::RunCommand;

namespace {

std::size_t CountLines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("grove demo writes the guide's files, trains and saves a model", "[e2e]") {
  grove::test::TempDir dir;
  const auto result = RunCommand(std::string(GROVE_CLI) + " demo --out " + dir.path().string());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const std::string train = grove::test::ReadText(dir / "train/train.csv");
  const std::string validation = grove::test::ReadText(dir / "validation/validation.csv");
  CHECK(CountLines(train) == 8000);
  CHECK(CountLines(validation) == 2000);
  // label, feature_1, feature_2, feature_3, category_B, category_C: 6 columns, label first.
  const std::string first = train.substr(0, train.find('\n'));
  CHECK(std::count(first.begin(), first.end(), ',') == 5);
  CHECK((first[0] == '0' || first[0] == '1'));
  CHECK_THAT(result.output, Catch::Contains("Train matrix has 8000 rows and 5 columns"));
  // The built-in container's per-round line, 0-based, 5 decimals, tab-separated; the last one
  // is round 99 of num_round=100. The HPO regex of the built-in (on CloudWatch's #011 for TAB)
  // must match it.
  std::smatch match;
  REQUIRE(std::regex_search(
      result.output, match,
      std::regex(R"(\[99\]\ttrain-auc:([0-9]\.[0-9]{5})\tvalidation-auc:([0-9]\.[0-9]{5}))")));
  const double auc = std::stod(match[2].str());
  // The noise-free generating rule scores ~0.97 on these labels; a depth-5 model gets close.
  CHECK(auc > 0.95);
  CHECK(auc < 1.0);
  std::string cloudwatch = match[0].str();
  cloudwatch = std::regex_replace(cloudwatch, std::regex("\t"), "#011");
  CHECK(std::regex_match(cloudwatch, std::regex(R"(.*\[[0-9]+\].*#011validation-auc:([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*)")));
  CHECK(std::filesystem::file_size(dir / "model/grove-model.json") > 1000);
}

TEST_CASE("grove demo is deterministic", "[e2e]") {
  grove::test::TempDir a, b;
  REQUIRE(RunCommand(std::string(GROVE_CLI) + " demo --out " + a.path().string()).exit_code == 0);
  REQUIRE(RunCommand(std::string(GROVE_CLI) + " demo --out " + b.path().string()).exit_code == 0);
  CHECK(grove::test::ReadText(a / "train/train.csv") == grove::test::ReadText(b / "train/train.csv"));
}

TEST_CASE("grove rejects unknown commands and options with exit code 1", "[e2e]") {
  const auto unknown = RunCommand(std::string(GROVE_CLI) + " trian");
  CHECK(unknown.exit_code == 1);
  CHECK_THAT(unknown.output, Catch::Contains("unknown command \"trian\""));
  const auto bad_option = RunCommand(std::string(GROVE_CLI) + " demo --rows abc");
  CHECK(bad_option.exit_code == 1);
  CHECK_THAT(bad_option.output, Catch::Contains("--rows: got \"abc\", expected an integer"));
}

TEST_CASE("grove info names the build and the SIMD level", "[e2e]") {
  const auto info = RunCommand(std::string(GROVE_CLI) + " info");
  REQUIRE(info.exit_code == 0);
  CHECK_THAT(info.output, Catch::StartsWith("grove 0."));
  CHECK_THAT(info.output, Catch::Contains("SIMD"));
  CHECK_THAT(info.output, Catch::Contains("cuda"));
}
