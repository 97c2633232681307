// Loading model files by content: XGBoost JSON text, XGBoost UBJSON, or grove's native JSON.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "engine/src/file_bytes.h"
#include "engine/src/xgboost_json.h"
#include "grove/errors.h"
#include "grove/xgboost.h"

namespace grove {

namespace detail {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string_view SkipBlank(std::string_view bytes) {
  if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  const std::size_t first = bytes.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string_view() : bytes.substr(first);
}

// What a file that is neither JSON nor UBJSON probably is, and what to do about it.
std::string UnknownContentHint(std::string_view bytes) {
  if (bytes.empty()) return "the file is empty";
  if (bytes[0] != '{') {
    const auto first = static_cast<unsigned char>(bytes[0]);
    if (first == 0x80) {
      return "it looks like a Python pickle (SageMaker XGBoost 0.90-1.2 images); load it in "
             "Python and call booster.save_model(\"model.json\")";
    }
    if (first == 0x1f && bytes.size() > 1 && static_cast<unsigned char>(bytes[1]) == 0x8b) {
      return "it is gzip-compressed; decompress it first (grove predict reads model.tar.gz "
             "archives directly)";
    }
    return "it is not JSON or UBJSON; XGBoost's legacy binary format (save_model without a "
           ".json/.ubj name in XGBoost < 2.1) is not supported: load it in XGBoost and call "
           "save_model(\"model.json\")";
  }
  return "it does not start like a JSON or UBJSON object";
}

}  // namespace

ModelEncoding DetectModelEncoding(std::string_view bytes) {
  const std::string_view text = SkipBlank(bytes);
  if (text.size() < 2 || text[0] != '{') return ModelEncoding::kUnknown;
  switch (text[1]) {
    case 'i':
    case 'U':
    case 'I':
    case 'l':
    case 'L':
    case '$':
    case '#':
      return ModelEncoding::kUbjson;
    default:
      break;
  }
  const std::string_view rest = SkipBlank(text.substr(1));
  if (!rest.empty() && (rest[0] == '"' || rest[0] == '}')) return ModelEncoding::kJsonText;
  return ModelEncoding::kUnknown;
}

XJson ParseXGBoostDocument(std::string_view bytes, std::string_view source) {
  const ModelEncoding encoding = DetectModelEncoding(bytes);
  if (encoding == ModelEncoding::kUnknown) {
    throw InvalidInput(fmt::format("{}: not a model file grove can read: {}", source,
                                   UnknownContentHint(SkipBlank(bytes))));
  }
  const char* kind = encoding == ModelEncoding::kUbjson ? "UBJSON" : "JSON";
  try {
    if (encoding == ModelEncoding::kUbjson) return XJson::from_ubjson(bytes);
    return XJson::parse(SkipBlank(bytes));
  } catch (const XJson::parse_error& e) {
    std::string_view detail = e.what();
    if (const auto end = detail.find("] "); end != std::string_view::npos)
      detail.remove_prefix(end + 2);
    const bool at_end = e.byte >= bytes.size();
    throw InvalidInput(fmt::format("{}: cannot parse the model as {} at byte {}: {} ({})", source,
                                   kind, e.byte, detail,
                                   at_end ? "truncated file?" : "corrupted file?"));
  } catch (const XJson::exception& e) {
    throw InvalidInput(fmt::format("{}: cannot parse the model as {}: {}", source, kind, e.what()));
  }
}

}  // namespace detail

Model XGBoostModelFromBytes(std::string_view bytes, std::string_view source) {
  const detail::XJson doc = detail::ParseXGBoostDocument(bytes, source);
  return detail::ModelFromXGBoostDocument(doc, source);
}

Model LoadXGBoostModel(const std::filesystem::path& path) {
  const std::string bytes = detail::ReadFileBytes(path, "model file");
  return XGBoostModelFromBytes(bytes, path.string());
}

namespace {

enum class ModelKind { kXGBoost, kNative };

ModelKind KindOf(const detail::XJson& doc, std::string_view source) {
  if (doc.is_object() && doc.contains("learner")) return ModelKind::kXGBoost;
  if (doc.is_object() && doc.contains("format")) return ModelKind::kNative;
  throw InvalidInput(fmt::format(
      "{}: not a model file grove can read: expected grove's native model (a \"format\": "
      "\"grove-model\" object) or an XGBoost model (a \"learner\" object)",
      source));
}

}  // namespace

Model LoadAnyModel(const std::filesystem::path& path) {
  const std::string bytes = detail::ReadFileBytes(path, "model file");
  const std::string source = path.string();
  const detail::XJson doc = detail::ParseXGBoostDocument(bytes, source);
  if (KindOf(doc, source) == ModelKind::kXGBoost) {
    return detail::ModelFromXGBoostDocument(doc, source);
  }
  // grove's native format: its own reader (doubles, its own checks, messages naming path).
  return Model::Load(path);
}

Model AnyModelFromBytes(std::string_view bytes, std::string_view source) {
  const detail::XJson doc = detail::ParseXGBoostDocument(bytes, source);
  if (KindOf(doc, source) == ModelKind::kXGBoost) {
    return detail::ModelFromXGBoostDocument(doc, source);
  }
  try {
    return Model::FromJson(bytes);
  } catch (const InvalidInput& e) {
    throw InvalidInput(fmt::format("{}: {}", source, e.what()));
  }
}

}  // namespace grove
