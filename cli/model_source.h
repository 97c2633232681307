// cli/model_source.h — finding and loading the model a command names.
//
//   grove::Model model = LoadModelSource("/opt/ml/model");          // a SageMaker model dir
//   grove::Model model = LoadModelSource("model.tar.gz");           // SageMaker's artifact
//   grove::Model model = LoadModelSource("xgboost-model");          // one file, by content
//
// A file is grove's native model, XGBoost JSON or XGBoost UBJSON, recognised by its content
// (not its name). A directory or a gzip/tar archive holds the model as a member: one named
// `xgboost-model` (what SageMaker's XGBoost jobs and `grove fit` write), else
// `grove-model.json` (grove's native model), else the only non-hidden regular file.
#pragma once

#include <filesystem>

#include "grove/model.h"

namespace grove::cli {

/// Throws IoError when `path` cannot be read, InvalidInput when it holds no model, several
/// candidates, or a model grove cannot use (the message names the path and the member).
Model LoadModelSource(const std::filesystem::path& path);

}  // namespace grove::cli
