#include "grove/demo.h"

#include <array>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace grove {
namespace {

// Distribution transforms written out here because the standard library's distributions are
// implementation-defined; std::mt19937_64's stream itself is fixed by the standard.
class PortableRandom {
 public:
  explicit PortableRandom(std::uint64_t seed) : engine_(seed) {}

  // Uniform in (0, 1): 53 random bits, never exactly 0.
  double Uniform() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }
  // Box-Muller; one value per call keeps the stream easy to reason about.
  double Normal() {
    const double u1 = Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  double Exponential() { return -std::log(Uniform()); }
  std::uint64_t Below(std::uint64_t n) { return engine_() % n; }

 private:
  std::mt19937_64 engine_;
};

constexpr std::size_t kDemoFeatures = 5;

Schema DemoSchema() {
  Schema schema;
  const std::array<const char*, kDemoFeatures> names = {"feature_1", "feature_2", "feature_3",
                                                        "category_B", "category_C"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    schema.columns.push_back(
        ColumnSpec{names[i], ColumnKind::kNumeric, {}, static_cast<std::uint32_t>(i)});
  }
  schema.label_name = "label";
  return schema;
}

DataSet TakeRows(const DenseMatrix& x, const std::vector<float>& y,
                 std::span<const std::size_t> rows) {
  DataSet out;
  DenseMatrix m(rows.size(), x.cols);
  out.labels.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto source = x.Row(rows[i]);
    std::copy(source.begin(), source.end(), m.values.begin() + i * x.cols);
    out.labels.push_back(y[rows[i]]);
  }
  out.features = std::move(m);
  out.schema = DemoSchema();
  return out;
}

}  // namespace

DemoData MakeDemoData(std::size_t rows, std::uint64_t seed) {
  PortableRandom random(seed);
  DenseMatrix x(rows, kDemoFeatures, 0.0f);
  std::vector<float> y(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const double f1 = random.Normal();
    const double f2 = random.Normal();
    const double f3 = random.Exponential();
    const std::uint64_t category = random.Below(3);  // 0 = A (dropped), 1 = B, 2 = C
    const double noise = random.Normal();
    x.At(r, 0) = static_cast<float>(f1);
    x.At(r, 1) = static_cast<float>(f2);
    x.At(r, 2) = static_cast<float>(f3);
    x.At(r, 3) = category == 1 ? 1.0f : 0.0f;
    x.At(r, 4) = category == 2 ? 1.0f : 0.0f;
    y[r] = (f1 + 0.5 * f2 + 0.3 * noise) > 0.0 ? 1.0f : 0.0f;
  }
  // Seeded Fisher-Yates shuffle; the first 80% train, the rest test (test_size=0.2).
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = rows; i > 1; --i) std::swap(order[i - 1], order[random.Below(i)]);
  const std::size_t test_rows = (rows * 2 + 9) / 10;  // ceil(0.2 * rows), as scikit-learn rounds
  const std::size_t train_rows = rows - test_rows;
  DemoData demo;
  demo.train = TakeRows(x, y, std::span(order).first(train_rows));
  demo.test = TakeRows(x, y, std::span(order).subspan(train_rows));
  return demo;
}

}  // namespace grove
