// A program that uses grove only through its installed package.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <grove/grove.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::filesystem::path dir = argv[1];
  const grove::DemoData demo = grove::MakeDemoData();
  grove::io::WriteCsv(demo.train, dir / "train.csv");
  const grove::DataSet train = grove::io::ReadChannel(dir / "train.csv", grove::io::ReadOptions{});
  std::vector<float> score(train.NumRows());
  for (std::size_t r = 0; r < train.NumRows(); ++r) score[r] = train.Dense().At(r, 0);
  grove::MetricInput input;
  input.predictions = score;
  input.labels = train.labels;
  const double auc = grove::CreateMetric("auc")->Evaluate(input);
  std::printf("consumer: %zu train rows, %zu features, reference auc %.4f\n", train.NumRows(),
              train.NumFeatures(), auc);
  return 0;
}
