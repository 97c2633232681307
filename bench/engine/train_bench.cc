// End-to-end training timer used by bench/engine/train_vs_xgboost.py.
//
//   train_bench generate ROWS FEATURES DIR    writes DIR/train.csv and DIR/test.csv (80/20)
//   train_bench train DIR key=value ...       trains on DIR/train.csv, prints seconds and
//                                             the test AUC as `grove_seconds=... grove_auc=...`
//   train_bench synth ROWS FEATURES key=value ...   the same on the same synthetic set made in
//                                             memory (no CSV round trip: for large row counts)
//
// The synthetic set is HIGGS-shaped: FEATURES standard-normal columns, 10% of them only noise,
// and a label drawn from a logistic model with pairwise interactions and thresholds, so that
// deep trees have something to find. Generation is seeded and portable.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <grove/grove.h>
#include <grove/train.h>

namespace {

// The synthetic set, split 80/20 into train and test.
std::pair<grove::DataSet, grove::DataSet> Synthesize(std::size_t rows, std::size_t features) {
  std::mt19937_64 rng(20261129);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  grove::DenseMatrix x(rows, features);
  std::vector<float> y(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    double margin = 0.0;
    for (std::size_t c = 0; c < features; ++c) {
      const double v = normal(rng);
      x.At(r, c) = static_cast<float>(v);
      if (c < features * 9 / 10) margin += (c % 2 == 0 ? 0.3 : -0.2) * v;
    }
    margin += 0.8 * x.At(r, 0) * x.At(r, 1) + (x.At(r, 2) > 0.5 ? 1.0 : -0.5) * x.At(r, 3) +
              0.5 * std::sin(3.0 * x.At(r, 4));
    y[r] = uniform(rng) < 1.0 / (1.0 + std::exp(-margin)) ? 1.0f : 0.0f;
  }
  const std::size_t train_rows = rows * 8 / 10;
  const auto part = [&](std::size_t begin, std::size_t end) {
    grove::DataSet out;
    grove::DenseMatrix m(end - begin, features);
    std::copy(x.values.begin() + static_cast<std::ptrdiff_t>(begin * features),
              x.values.begin() + static_cast<std::ptrdiff_t>(end * features), m.values.begin());
    out.features = std::move(m);
    out.schema = grove::Schema::Numeric(features);
    out.labels.assign(y.begin() + static_cast<std::ptrdiff_t>(begin),
                      y.begin() + static_cast<std::ptrdiff_t>(end));
    return out;
  };
  return {part(0, train_rows), part(train_rows, rows)};
}

void Generate(std::size_t rows, std::size_t features, const std::filesystem::path& dir) {
  const auto [train, test] = Synthesize(rows, features);
  grove::io::WriteCsv(train, dir / "train.csv");
  grove::io::WriteCsv(test, dir / "test.csv");
}

int TrainAndScore(const grove::DataSet& train, const grove::DataSet& test, int argc,
                  char** argv) {
  std::map<std::string, std::string> values;
  for (int i = 0; i < argc; ++i) {
    const std::string kv = argv[i];
    const auto eq = kv.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "expected key=value, got %s\n", kv.c_str());
      return 2;
    }
    values[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  const grove::TrainParams params = grove::ParseParams(values);
  const auto start = std::chrono::steady_clock::now();
  const grove::Model model = grove::Train(params, train);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::vector<float> p = model.Predict(test.Dense());
  grove::MetricInput input;
  input.predictions = p;
  input.labels = test.labels;
  std::printf("grove_seconds=%.3f grove_auc=%.6f\n", seconds,
              grove::CreateMetric("auc")->Evaluate(input));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string verb = argc > 1 ? argv[1] : "";
    if (verb == "generate" && argc == 5) {
      Generate(std::stoul(argv[2]), std::stoul(argv[3]), argv[4]);
      return 0;
    }
    if (verb == "train" && argc >= 3) {
      const std::filesystem::path dir = argv[2];
      grove::io::ReadOptions read;
      read.format = grove::io::Format::kCsv;
      const grove::DataSet train = grove::io::ReadChannel(dir / "train.csv", read);
      const grove::DataSet test = grove::io::ReadChannel(dir / "test.csv", read);
      return TrainAndScore(train, test, argc - 3, argv + 3);
    }
    if (verb == "synth" && argc >= 4) {
      const auto [train, test] = Synthesize(std::stoul(argv[2]), std::stoul(argv[3]));
      return TrainAndScore(train, test, argc - 4, argv + 4);
    }
    std::fprintf(stderr,
                 "usage: train_bench generate ROWS FEATURES DIR | train DIR key=value... | "
                 "synth ROWS FEATURES key=value...\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_bench: %s\n", e.what());
    return 1;
  }
}
