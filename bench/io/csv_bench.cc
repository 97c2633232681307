// ReadCsv throughput on a HIGGS-shaped input: label + 28 numeric features, 1,000,000 rows
// (about 250 MB), generated once in memory with a fixed seed.
//
//   build/bench/csv_bench                                    # all threads and 1 thread
//   GROVE_CSV_BENCH_FILE=/data/HIGGS.csv build/bench/csv_bench   # a file of your own
//
// Reported as bytes processed per second of wall time (MB/s); bench/io/csv_peers.py runs the
// same input through pandas and XGBoost for comparison.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>

#include "grove/io.h"
#include "grove/log.h"

namespace {

constexpr std::size_t kRows = 1'000'000;
constexpr std::size_t kFeatures = 28;

// Values like HIGGS's (about N(0,1) and positive kinematic features), 6 significant digits.
std::string Generate(std::size_t rows, std::size_t features) {
  std::mt19937_64 rng(20140624);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::string text;
  text.reserve(rows * (features + 1) * 9);
  auto out = std::back_inserter(text);
  for (std::size_t r = 0; r < rows; ++r) {
    fmt::format_to(out, "{}", rng() % 2);
    for (std::size_t c = 0; c < features; ++c) {
      const double value = c % 4 == 0 ? std::abs(normal(rng)) + 0.3 : normal(rng);
      fmt::format_to(out, ",{:.6g}", value);
    }
    text.push_back('\n');
  }
  return text;
}

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const char* BenchFile() {
  const char* path = std::getenv("GROVE_CSV_BENCH_FILE");
  return path != nullptr && *path != '\0' ? path : nullptr;
}

const grove::io::Buffer& Input() {
  static const grove::io::Buffer input = [] {
    const char* path = BenchFile();
    if (path != nullptr) return grove::io::Buffer{path, ReadWholeFile(path)};
    return grove::io::Buffer{"generated.csv", Generate(kRows, kFeatures)};
  }();
  return input;
}

void BM_ReadCsv(benchmark::State& state, int nthread) {
  const grove::io::Buffer& input = Input();  // generated outside the timed loop
  grove::io::ReadOptions options;
  options.nthread = nthread;
  std::size_t rows = 0;
  for (auto _ : state) {
    const grove::DataSet data = grove::io::ReadCsv(std::span(&input, 1), options);
    benchmark::DoNotOptimize(data.Dense().values.data());
    rows = data.NumRows();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.data.size()));
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["MB"] = static_cast<double>(input.data.size()) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  grove::SetLogLevel(grove::LogLevel::kWarning);  // no delimiter line per iteration
  const char* path = BenchFile();
  const std::string shape =
      path != nullptr ? fmt::format("file:{}", std::filesystem::path(path).filename().string())
                      : fmt::format("rows:{}/features:{}", kRows, kFeatures);
  // Wall time: the work runs on TBB's threads, not the benchmark's.
  benchmark::RegisterBenchmark(("BM_ReadCsv/" + shape).c_str(), BM_ReadCsv, 0)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark(("BM_ReadCsv1Thread/" + shape).c_str(), BM_ReadCsv, 1)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
