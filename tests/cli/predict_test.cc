// `grove predict` and `grove export` end to end: the built binary on models written by grove
// (native, with a one-hot schema) and by XGBoost 1.7.4 (JSON and UBJSON, as a file, a model
// directory and a model.tar.gz made with tar), CSV with and without the label column, libsvm,
// and the failure messages. Predictions are compared bit for bit after reading the text back.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "grove/io.h"
#include "grove/train.h"
#include "grove/xgboost.h"
#include "test_util.h"

using namespace grove;
using Catch::Matchers::Contains;
using test::RunCommand;

namespace {

const std::string kGrove = GROVE_CLI;

// Every number of a prediction file (commas and newlines), parsed as float.
std::vector<float> ParseFloats(const std::string& text) {
  std::vector<float> out;
  std::string token;
  std::istringstream in(text);
  while (std::getline(in, token, '\n')) {
    std::istringstream line(token);
    std::string cell;
    while (std::getline(line, cell, ',')) out.push_back(std::strtof(cell.c_str(), nullptr));
  }
  return out;
}

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// A header CSV with a string column ("color"), some empty (missing) cells; label first.
std::string MakeCsv(std::size_t rows, std::uint32_t seed, bool with_label) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const char* colors[] = {"red", "green", "blue"};
  std::string text = with_label ? "y,a,b,color,c\n" : "a,b,color,c\n";
  for (std::size_t r = 0; r < rows; ++r) {
    const float a = u(rng), b = u(rng), c = u(rng);
    const int k = static_cast<int>(rng() % 3);
    const float y = (a + (k == 1 ? 0.8f : 0.0f) + 0.3f * c > 0.2f) ? 1.0f : 0.0f;
    if (with_label) text += fmt::format("{},", y);
    text += fmt::format("{},{},{},{}\n", a, r % 7 == 0 ? std::string() : fmt::format("{}", b),
                        colors[k], c);
  }
  return text;
}

std::string Run(const std::string& args) {
  // Log lines go to stderr; only standard output is the predictions.
  const auto result = RunCommand("{ " + kGrove + " " + args + " 2>/dev/null; }");
  INFO(args << "\n" << result.output);
  REQUIRE(result.exit_code == 0);
  return result.output;
}

}  // namespace

TEST_CASE("grove predict applies a native model's one-hot schema, label or not", "[e2e]") {
  test::TempDir dir;
  test::WriteText(dir / "train.csv", MakeCsv(600, 1, true));
  test::WriteText(dir / "test.csv", MakeCsv(80, 2, true));
  test::WriteText(dir / "test-nolabel.csv", MakeCsv(80, 2, false));
  const DataSet train = io::ReadChannel(dir / "train.csv", {});
  const Model model =
      Train(ParseParams({{"objective", "binary:logistic"}, {"num_round", "10"}}), train);
  model.Save(dir / "grove-model.json");
  io::ReadOptions read;
  read.schema = &model.schema;
  const std::vector<float> expected = model.Predict(io::ReadChannel(dir / "test.csv", read).Dense());

  const std::string with_label =
      Run(fmt::format("predict --model {0}/grove-model.json --input {0}/test.csv", dir.path().string()));
  CHECK(SameBits(ParseFloats(with_label), expected));
  Run(fmt::format("predict --model {0} --input {0}/test-nolabel.csv --output {0}/out.csv",
                  dir.path().string()));
  CHECK(SameBits(ParseFloats(test::ReadText(dir / "out.csv")), expected));

  // Exported for XGBoost, the same model scores the one-hot columns grove would build.
  Run(fmt::format("export --model {0}/grove-model.json --format xgboost-json --output "
                  "{0}/xgboost-model",
                  dir.path().string()));
  io::WriteCsv(io::ReadChannel(dir / "test.csv", read), dir / "encoded.csv");
  const std::string script = fmt::format(R"(
import numpy as np, xgboost as xgb
a = np.genfromtxt("{0}/encoded.csv", delimiter=",", dtype=np.float32, missing_values="",
                  filling_values=np.nan)
b = xgb.Booster(model_file="{0}/xgboost-model")
print("\n".join(repr(float(v)) for v in b.predict(xgb.DMatrix(a[:, 1:], missing=np.nan))))
)",
                                         dir.path().string());
  CHECK(SameBits(ParseFloats(test::RunPython(script)), expected));
}

TEST_CASE("grove predict serves XGBoost models: file, model dir, model.tar.gz, libsvm", "[e2e]") {
  test::TempDir dir;
  const std::string d = dir.path().string();
  test::RunPython(fmt::format(R"(
import numpy as np, xgboost as xgb, os, shutil
rng = np.random.default_rng(5)
x = rng.normal(size=(400, 6)).astype(np.float32)
x[rng.random(x.shape) < 0.1] = np.nan
y = (np.nan_to_num(x[:, 0]) + np.nan_to_num(x[:, 3]) > 0).astype(np.float32) + (x[:, 5] > 1)
b = xgb.train({{"objective": "multi:softprob", "num_class": 3, "max_depth": 4}},
              xgb.DMatrix(x[:300], label=y[:300], missing=np.nan), 8)
b.save_model("{0}/model.json")
b.save_model("{0}/model.ubj")
os.makedirs("{0}/dir")
shutil.copy("{0}/model.json", "{0}/dir/xgboost-model")
t = x[300:]
np.savetxt("{0}/test.csv", np.column_stack([y[300:], t]), delimiter=",", fmt="%.9g")
with open("{0}/test.libsvm", "w") as f:
    for r in range(t.shape[0]):
        f.write(str(int(y[300 + r])) + " " +
                " ".join("%d:%.9g" % (c, t[r, c]) for c in range(6) if not np.isnan(t[r, c])) + "\n")
p = b.predict(xgb.DMatrix(t, missing=np.nan))
with open("{0}/expected.txt", "w") as f:
    f.write("\n".join(",".join(repr(float(v)) for v in row) for row in p) + "\n")
)",
                              d));
  // numpy writes NaN as "nan", which the CSV reader reads as missing.
  const std::vector<float> expected = ParseFloats(test::ReadText(dir / "expected.txt"));
  REQUIRE(expected.size() == 300);
  REQUIRE(RunCommand(fmt::format("tar czf {0}/model.tar.gz -C {0}/dir xgboost-model", d))
              .exit_code == 0);
  for (const char* model : {"model.json", "model.ubj", "dir", "model.tar.gz"}) {
    INFO(model);
    CHECK(SameBits(ParseFloats(Run(fmt::format("predict --model {0}/{1} --input {0}/test.csv", d,
                                               model))),
                   expected));
  }
  CHECK(SameBits(ParseFloats(Run(fmt::format(
                     "predict --model {0}/model.tar.gz --input {0}/test.libsvm", d))),
                 expected));
  // Margins: one column per class.
  const std::string margins =
      Run(fmt::format("predict --model {0}/dir --input {0}/test.csv --output-margin", d));
  CHECK(ParseFloats(margins).size() == 300);
  // Re-exported from the archive, the model is still XGBoost's.
  Run(fmt::format("export --model {0}/model.tar.gz --output {0}/again.json", d));
  CHECK(SameBits(ParseFloats(Run(fmt::format("predict --model {0}/again.json --input "
                                             "{0}/test.csv --content-type text/csv",
                                             d))),
                 expected));
}

TEST_CASE("grove predict and export fail clearly", "[e2e]") {
  test::TempDir dir;
  const std::string d = dir.path().string();
  test::WriteText(dir / "t.csv", "1,2,3\n0,1,1\n1,0,2\n");
  const Model model = Train(ParseParams({{"num_round", "2"}}), io::ReadChannel(dir / "t.csv", {}));
  model.Save(dir / "m.json");
  const auto fails = [&](const std::string& args, const std::string& text) {
    const auto result = RunCommand(kGrove + " " + args);
    INFO(args << "\n" << result.output);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Contains(text));
  };
  fails("predict --input x.csv", "--model is required");
  fails(fmt::format("predict --model {0}/none --input {0}/t.csv", d), "no such model");
  fails(fmt::format("export --model {0}/m.json --format onnx --output {0}/o", d),
        "expected xgboost-json or grove-json");
  test::WriteText(dir / "five.csv", "1,2,3,4,5\n");
  fails(fmt::format("predict --model {0}/m.json --input {0}/five.csv", d), "five.csv");
  test::WriteText(dir / "many/a.json", "{}");
  test::WriteText(dir / "many/b.json", "{}");
  fails(fmt::format("predict --model {0}/many --input {0}/t.csv", d),
        "several files (a.json, b.json)");
  test::WriteText(dir / "bad.tar.gz", "\x1f\x8b not really gzip");
  fails(fmt::format("predict --model {0}/bad.tar.gz --input {0}/t.csv", d), "bad.tar.gz");
  test::WriteText(dir / "legacy", std::string("binf\0\0\0\0", 8));
  fails(fmt::format("predict --model {0}/legacy --input {0}/t.csv", d), "legacy binary");
  fails(fmt::format("predict --model {0}/m.json --input {0}/t.csv --label maybe", d),
        "expected auto, first or none");
  fails(fmt::format("predict --model {0}/m.json --input {0}/t.csv --device gpu", d),
        "grove predict: --device: got \"gpu\", expected cpu, cuda or cuda:<ordinal>");
  // A device this machine lacks (every GPU machine lacks cuda:99): refused, nothing written.
  fails(fmt::format("predict --model {0}/m.json --input {0}/t.csv --device cuda:99 --output "
                    "{0}/p.csv",
                    d),
        BuiltWithCuda() ? "device=cuda:99: no such CUDA device"
                        : "device=cuda:99: this build predicts on the CPU only");
  CHECK_FALSE(std::filesystem::exists(dir / "p.csv"));
}
