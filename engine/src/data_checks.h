// engine/src/data_checks.h — shape checks every training loop runs on its data sets.
#pragma once

#include <cstddef>
#include <string_view>

#include "grove/dataset.h"

namespace grove::detail {

/// Throws InvalidInput naming `set` when the labels or weights do not have one entry per row,
/// a weight is negative or not finite, or the set does not have `features` columns.
void CheckDataShape(const DataSet& data, std::string_view set, std::size_t features);

}  // namespace grove::detail
