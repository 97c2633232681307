// grove/xgboost.h — XGBoost model files: export grove models, import XGBoost's.
//
//   grove::Model model = grove::Train(params, train);
//   grove::SaveXGBoostModel(model, "/opt/ml/model/xgboost-model");   // xgboost.Booster loads it
//
//   grove::Model theirs = grove::LoadXGBoostModel("model.ubj");      // JSON or UBJSON
//   std::vector<float> p = theirs.Predict(test.Dense());               // XGBoost's bits
//
//   grove::Model any = grove::LoadAnyModel(path);    // grove native, XGBoost JSON or UBJSON
//
// Export writes the "universal dialect" of docs/xgboost-export.md: plain gbtree JSON text that
// XGBoost 1.7.4 and later load by content (any file name) and score bit for bit like grove's
// Model::Predict in float32. Import reads gbtree models with numerical splits and scalar leaves
// for the objectives grove knows; dart, gblinear, categorical splits and vector leaves are
// refused with InvalidInput saying why. All functions are thread-safe (no shared state).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "grove/model.h"

namespace grove {

/// XGBoost JSON text for `model` (universal dialect); throws InvalidInput naming why a model
/// cannot be expressed exactly (multi-class forest, ...).
std::string ToXGBoostJson(const Model& model);

/// Atomic write (temp file + rename) of ToXGBoostJson; any file name (e.g. `xgboost-model`).
void SaveXGBoostModel(const Model& model, const std::filesystem::path& path);

/// Reads an XGBoost model (JSON or UBJSON, detected from the content, not the extension).
/// Throws IoError when the file cannot be read, InvalidInput when it is not an XGBoost model
/// grove can predict with exactly (the message names the part and why).
Model LoadXGBoostModel(const std::filesystem::path& path);

/// The same from bytes already in memory; `source` names them in messages.
Model XGBoostModelFromBytes(std::string_view bytes, std::string_view source);

/// Any model grove can predict with: grove native JSON, XGBoost JSON or UBJSON, by content.
Model LoadAnyModel(const std::filesystem::path& path);

/// The same from bytes already in memory (e.g. a member of model.tar.gz); `source` names them
/// in messages.
Model AnyModelFromBytes(std::string_view bytes, std::string_view source);

}  // namespace grove
