// grove::MakeDataSet: DataSets from caller-owned arrays (the Eigen overload is in train.h).
#include <fmt/format.h>

#include "grove/errors.h"
#include "grove/train.h"

namespace grove {
namespace {

DataSet Finish(DenseMatrix x, std::span<const float> labels, std::span<const float> weights) {
  if (labels.size() != x.rows) {
    throw InvalidInput(
        fmt::format("MakeDataSet: {} labels for {} rows; give one label per row", labels.size(),
                    x.rows));
  }
  if (!weights.empty() && weights.size() != x.rows) {
    throw InvalidInput(fmt::format(
        "MakeDataSet: {} weights for {} rows; give one weight per row or none", weights.size(),
        x.rows));
  }
  DataSet data;
  data.schema = Schema::Numeric(x.cols);
  data.features = std::move(x);
  data.labels.assign(labels.begin(), labels.end());
  data.weights.assign(weights.begin(), weights.end());
  return data;
}

}  // namespace

DataSet MakeDataSet(const float* data, std::size_t rows, std::size_t cols,
                    std::span<const float> labels, std::span<const float> weights) {
  DenseMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.values.assign(data, data + rows * cols);
  return Finish(std::move(m), labels, weights);
}

}  // namespace grove
