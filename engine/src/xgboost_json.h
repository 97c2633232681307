// engine/src/xgboost_json.h — the JSON value type for XGBoost documents, and the reader.
//
//   XJson doc = ParseXGBoostDocument(bytes, "model.ubj");   // JSON text or UBJSON, by content
//   Model model = ModelFromXGBoostDocument(doc, "model.ubj");
//
// XJson stores floating-point numbers as float: XGBoost's files hold float32 values, and
// parsing text straight to float (strtof) avoids the rare double-rounding of text -> double
// -> float. UBJSON's `d` values are float32 already. nlohmann's UBJSON reader handles
// XGBoost's containers: int64 key lengths, counted arrays and typed ($d, $U, $l, $L) arrays.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "grove/model.h"

namespace grove::detail {

using XJson = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t,
                                   std::uint64_t, float>;

/// How a model file's bytes are encoded, judged from the content as XGBoost does (format doc
/// section 1): the first byte is '{'; then '"' or '}' means JSON text, a UBJSON type marker
/// means UBJSON.
enum class ModelEncoding { kJsonText, kUbjson, kUnknown };
ModelEncoding DetectModelEncoding(std::string_view bytes);

/// Parses JSON text or UBJSON (per DetectModelEncoding). Throws InvalidInput naming `source`,
/// with a hint for XGBoost's legacy binary format and Python pickles.
XJson ParseXGBoostDocument(std::string_view bytes, std::string_view source);

/// Maps a parsed XGBoost model into a grove Model; throws InvalidInput naming `source`, the
/// JSON path and, for unsupported models (dart, gblinear, categorical splits, vector leaves,
/// unknown objectives), why grove refuses them.
Model ModelFromXGBoostDocument(const XJson& doc, std::string_view source);

}  // namespace grove::detail
