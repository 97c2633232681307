#include "engine/src/data_checks.h"

#include <cmath>

#include <fmt/format.h>

#include "grove/errors.h"

namespace grove::detail {
namespace {

void CheckWeights(const DataSet& data, std::string_view set) {
  if (data.weights.empty()) return;
  if (data.weights.size() != data.NumRows()) {
    throw InvalidInput(fmt::format("{}: {} weights for {} rows; give one weight per row", set,
                                   data.weights.size(), data.NumRows()));
  }
  for (std::size_t r = 0; r < data.weights.size(); ++r) {
    const float w = data.weights[r];
    if (!std::isfinite(w) || w < 0.0f) {
      throw InvalidInput(fmt::format(
          "{}: weight {} at row {} is not a finite number >= 0", set, w, r + 1));
    }
  }
}

}  // namespace

void CheckDataShape(const DataSet& data, std::string_view set, std::size_t features) {
  if (data.labels.size() != data.NumRows()) {
    throw InvalidInput(fmt::format("{}: {} labels for {} rows; give one label per row", set,
                                   data.labels.size(), data.NumRows()));
  }
  if (data.NumFeatures() != features) {
    throw InvalidInput(fmt::format(
        "{}: {} features, but the training data has {}; every set needs the same columns", set,
        data.NumFeatures(), features));
  }
  CheckWeights(data, set);
}

}  // namespace grove::detail
