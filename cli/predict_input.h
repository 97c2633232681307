// cli/predict_input.h — reading `grove predict`'s input in the layout a model expects.
//
//   PredictInputOptions options;            // label column: detected (see LabelColumn)
//   grove::DataSet data = ReadPredictInput("test.csv", model, options);   // cols = features
//
// CSV: the model's schema (one-hot dictionaries, column names) is applied when the model has
// one (grove's native models); XGBoost models have none, so every column is numeric. The label
// column is the first column, as in training files; with LabelColumn::kAuto it is detected:
// with a schema, the file is read as the schema allows (its column count decides); without,
// num_features + 1 columns mean a label, num_features columns mean none. libsvm lines always
// begin with a label (ignored). Inputs with fewer feature columns than the model (libsvm
// files whose last features are absent, for instance) count the rest as missing, as XGBoost
// does; more columns are an error.
#pragma once

#include <filesystem>

#include "grove/dataset.h"
#include "grove/io.h"
#include "grove/model.h"

namespace grove::cli {

enum class LabelColumn { kAuto, kFirst, kNone };

struct PredictInputOptions {
  io::Format format = io::Format::kAuto;
  LabelColumn label = LabelColumn::kAuto;
  int nthread = 0;
};

/// Features (and labels when the input has them) with exactly model.num_features columns.
/// Throws InvalidInput naming the input and what was expected.
DataSet ReadPredictInput(const std::filesystem::path& input, const Model& model,
                         const PredictInputOptions& options);

}  // namespace grove::cli
