// grove's native model format (docs/model-format.md): ToJson/FromJson, atomic Save, Load.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <utility>

#include "engine/src/file_bytes.h"
#include "grove/errors.h"
#include "grove/model.h"

namespace grove {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kFormatName = "grove-model";
constexpr std::int64_t kFormatVersion = 1;
constexpr std::string_view kTopKeys[] = {
    "format",          "version",        "objective",  "num_features", "num_outputs",
    "trees_per_round", "best_iteration", "best_score", "base_margin",  "tree_group",
    "params",          "schema",         "trees",        "oob_score"};
constexpr std::string_view kTreeKeys[] = {
    "left",  "right",       "parent",      "split_feature", "threshold",  "default_left",
    "value", "loss_change", "sum_hessian", "leaf_size",     "leaf_vector"};

// The float nearest to `d` (ties to even), or nullopt when that is an infinity: a plain cast of
// a double beyond the float range is undefined behaviour.
std::optional<float> NarrowToFloat(double d) {
  constexpr double kMax = std::numeric_limits<float>::max();  // 0x1.fffffep127
  constexpr double kOverflow = 0x1.ffffffp127;                // halfway to 2^128: rounds up
  if (std::fabs(d) >= kOverflow) return std::nullopt;
  if (std::fabs(d) > kMax) return static_cast<float>(std::copysign(kMax, d));
  return static_cast<float>(d);
}

// Non-finite values are strings (JSON has no NaN or infinity).
Json NonFinite(double d) {
  if (std::isnan(d)) return "NaN";
  return d > 0 ? "Infinity" : "-Infinity";
}

// A float as the JSON number that reads back (as a double, then rounded to float) to the same
// bits. The shortest float decimal ("0.1") is used when that double rounds back exactly, which
// keeps files readable; otherwise the exact double value of the float, which always does.
Json FloatToJson(float f) {
  if (!std::isfinite(f)) return NonFinite(f);
  char text[32];
  const auto written = std::to_chars(text, text + sizeof text, f);
  double shortest = 0.0;
  std::from_chars(text, written.ptr, shortest);
  const std::optional<float> back = NarrowToFloat(shortest);
  if (back && std::bit_cast<std::uint32_t>(*back) == std::bit_cast<std::uint32_t>(f)) {
    return shortest;
  }
  return static_cast<double>(f);
}

// nlohmann writes doubles in a form that parses back to the same double.
Json DoubleToJson(double d) {
  return std::isfinite(d) ? Json(d) : NonFinite(d);
}

Json FloatsToJson(const std::vector<float>& values) {
  Json out = Json::array();
  for (const float v : values) out.push_back(FloatToJson(v));
  return out;
}

Json TreeToJson(const Tree& tree) {
  Json out = Json::object();
  out["left"] = tree.left;
  out["right"] = tree.right;
  out["parent"] = tree.parent;
  out["split_feature"] = tree.split_feature;
  out["threshold"] = FloatsToJson(tree.threshold);
  out["default_left"] = tree.default_left;
  out["value"] = FloatsToJson(tree.value);
  out["loss_change"] = FloatsToJson(tree.loss_change);
  out["sum_hessian"] = FloatsToJson(tree.sum_hessian);
  out["leaf_size"] = tree.leaf_size;
  out["leaf_vector"] = FloatsToJson(tree.leaf_vector);
  return out;
}

// Reads typed values out of a parsed document; every failure is an InvalidInput that names the
// source (file name), the place ("tree 3: \"left\"[5]") and what was found.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void Fail(std::string_view what) const {
    throw InvalidInput(fmt::format("{}: {}", source_, what));
  }

  const Json& Field(const Json& object, std::string_view key, std::string_view where) const {
    const auto it = object.find(key);
    if (it == object.end()) Fail(fmt::format("{}missing \"{}\"", where, key));
    return *it;
  }

  void CheckKeys(const Json& object, std::span<const std::string_view> allowed,
                 std::string_view where) const {
    if (!object.is_object())
      Fail(fmt::format("{}expected a JSON object, found {}", where, Show(object)));
    for (const auto& item : object.items()) {
      if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
        Fail(fmt::format("{}unknown key \"{}\" (a file from a newer grove, or corrupted)", where,
                         item.key()));
      }
    }
  }

  double Double(const Json& v, std::string_view where) const {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (s == "Infinity") return std::numeric_limits<double>::infinity();
      if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    }
    Fail(fmt::format("{}: expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", found {}",
                     where, Show(v)));
  }

  float Float(const Json& v, std::string_view where) const {
    const double d = Double(v, where);
    if (!std::isfinite(d)) return static_cast<float>(d);
    const std::optional<float> f = NarrowToFloat(d);
    if (!f) Fail(fmt::format("{}: {} is beyond the float range", where, Show(v)));
    return *f;
  }

  template <typename T>
  T Int(const Json& v, std::string_view where) const {
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (std::in_range<T>(u)) return static_cast<T>(u);
    } else if (v.is_number_integer()) {
      const auto i = v.get<std::int64_t>();
      if (std::in_range<T>(i)) return static_cast<T>(i);
    } else if (v.is_boolean() && std::is_same_v<T, std::uint8_t>) {
      return static_cast<T>(v.get<bool>() ? 1 : 0);
    }
    Fail(fmt::format("{}: expected an integer in [{}, {}], found {}", where,
                     std::numeric_limits<T>::min() + 0, std::numeric_limits<T>::max() + 0,
                     Show(v)));
  }

  const Json& Array(const Json& object, std::string_view key, std::string_view where) const {
    const Json& array = Field(object, key, where);
    if (!array.is_array())
      Fail(fmt::format("{}\"{}\": expected an array, found {}", where, key, Show(array)));
    return array;
  }

  template <typename T>
  std::vector<T> Ints(const Json& object, std::string_view key, std::string_view where) const {
    const Json& array = Array(object, key, where);
    std::vector<T> out;
    out.reserve(array.size());
    for (const Json& v : array) out.push_back(Int<T>(v, Item(where, key, out.size())));
    return out;
  }

  std::vector<float> Floats(const Json& object, std::string_view key,
                            std::string_view where) const {
    const Json& array = Array(object, key, where);
    std::vector<float> out;
    out.reserve(array.size());
    for (const Json& v : array) out.push_back(Float(v, Item(where, key, out.size())));
    return out;
  }

  const std::string& Source() const { return source_; }

 private:
  static std::string Item(std::string_view where, std::string_view key, std::size_t i) {
    return fmt::format("{}\"{}\"[{}]", where, key, i);
  }
  static std::string Show(const Json& v) {
    std::string text = v.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return fmt::format("{} {}", v.type_name(), text);
  }

  std::string source_;
};

Tree TreeFromJson(const Reader& in, const Json& object, std::size_t t) {
  const std::string where = fmt::format("tree {}: ", t);
  in.CheckKeys(object, kTreeKeys, where);
  Tree tree;
  tree.left = in.Ints<std::int32_t>(object, "left", where);
  tree.right = in.Ints<std::int32_t>(object, "right", where);
  tree.parent = in.Ints<std::int32_t>(object, "parent", where);
  tree.split_feature = in.Ints<std::uint32_t>(object, "split_feature", where);
  tree.threshold = in.Floats(object, "threshold", where);
  tree.default_left = in.Ints<std::uint8_t>(object, "default_left", where);
  tree.value = in.Floats(object, "value", where);
  tree.loss_change = in.Floats(object, "loss_change", where);
  tree.sum_hessian = in.Floats(object, "sum_hessian", where);
  tree.leaf_size =
      in.Int<std::uint32_t>(in.Field(object, "leaf_size", where), where + "\"leaf_size\"");
  tree.leaf_vector = in.Floats(object, "leaf_vector", where);
  return tree;
}

Json ParseDocument(const Reader& in, std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    in.Fail("not a grove model: the file is empty");
  }
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    // e.what() starts with "[json.exception.parse_error.101] "; the rest is the useful part.
    std::string_view detail = e.what();
    if (const auto end = detail.find("] "); end != std::string_view::npos)
      detail.remove_prefix(end + 2);
    const auto* parse_error = dynamic_cast<const Json::parse_error*>(&e);
    const bool at_end = parse_error != nullptr && parse_error->byte >= text.size();
    in.Fail(fmt::format("not a grove model: {} ({})", detail,
                        at_end ? "truncated file?" : "corrupted file, or not JSON?"));
  }
}

void CheckFormat(const Reader& in, const Json& doc) {
  if (!doc.is_object() || !doc.contains("format")) {
    in.Fail(fmt::format("not a grove model: expected a JSON object with \"format\": \"{}\"{}",
                        kFormatName,
                        doc.is_object() && doc.contains("learner")
                            ? " (this looks like an XGBoost model; grove reads its own format)"
                            : ""));
  }
  const Json& format = doc.at("format");
  if (!format.is_string() || format.get_ref<const std::string&>() != kFormatName) {
    in.Fail(fmt::format("not a grove model: \"format\" is {}, expected \"{}\"", format.dump(),
                        kFormatName));
  }
  const Json& version = in.Field(doc, "version", "");
  if (!version.is_number_integer() || version.get<std::int64_t>() != kFormatVersion) {
    in.Fail(
        fmt::format("grove model format version {} is not supported; this grove reads "
                    "version {} (was the file written by a newer grove?)",
                    version.dump(), kFormatVersion));
  }
  in.CheckKeys(doc, kTopKeys, "");
}

Model ModelFromJson(const Reader& in, const Json& doc) {
  CheckFormat(in, doc);
  Model model;
  try {
    model.params = TrainParams::FromJson(in.Field(doc, "params", ""));
  } catch (const InvalidInput& e) {
    in.Fail(fmt::format("params: {}", e.what()));
  }
  try {
    model.schema = Schema::FromJson(in.Field(doc, "schema", "").dump());
  } catch (const InvalidInput& e) {
    in.Fail(fmt::format("schema: {}", e.what()));
  }
  const Json& objective = in.Field(doc, "objective", "");
  if (!objective.is_string() || objective.get_ref<const std::string&>() != model.params.objective) {
    in.Fail(fmt::format("\"objective\" is {}, but params.objective is \"{}\"", objective.dump(),
                        model.params.objective));
  }
  model.num_features = in.Int<std::int32_t>(in.Field(doc, "num_features", ""), "\"num_features\"");
  model.num_outputs = in.Int<std::int32_t>(in.Field(doc, "num_outputs", ""), "\"num_outputs\"");
  model.trees_per_round =
      in.Int<std::int32_t>(in.Field(doc, "trees_per_round", ""), "\"trees_per_round\"");
  model.best_iteration =
      in.Int<std::int32_t>(in.Field(doc, "best_iteration", ""), "\"best_iteration\"");
  model.best_score = in.Double(in.Field(doc, "best_score", ""), "\"best_score\"");
  // Optional (absent in files written before forests existed); null = none.
  if (doc.contains("oob_score") && !doc["oob_score"].is_null()) {
    model.oob_score = in.Double(doc["oob_score"], "\"oob_score\"");
  }
  model.base_margin = in.Floats(doc, "base_margin", "");
  model.tree_group = in.Ints<std::int32_t>(doc, "tree_group", "");
  const Json& trees = in.Array(doc, "trees", "");
  model.trees.reserve(trees.size());
  for (const Json& tree : trees) model.trees.push_back(TreeFromJson(in, tree, model.trees.size()));
  try {
    model.Validate();
  } catch (const InvalidInput& e) {
    in.Fail(e.what());
  }
  return model;
}

}  // namespace

std::string Model::ToJson() const {
  try {
    Validate();
  } catch (const InvalidInput& e) {
    throw InvalidInput(fmt::format("cannot save an invalid model: {}", e.what()));
  }
  Json doc = Json::object();
  doc["format"] = kFormatName;
  doc["version"] = kFormatVersion;
  doc["objective"] = params.objective;
  doc["num_features"] = num_features;
  doc["num_outputs"] = num_outputs;
  doc["trees_per_round"] = trees_per_round;
  doc["best_iteration"] = best_iteration;
  doc["best_score"] = DoubleToJson(best_score);
  doc["oob_score"] = oob_score.has_value() ? DoubleToJson(*oob_score) : Json(nullptr);
  doc["base_margin"] = FloatsToJson(base_margin);
  doc["tree_group"] = tree_group;
  doc["params"] = params.ToJson();
  doc["schema"] = Json::parse(schema.ToJson());
  Json trees_json = Json::array();
  for (const Tree& tree : trees) trees_json.push_back(TreeToJson(tree));
  doc["trees"] = std::move(trees_json);
  return doc.dump();
}

Model Model::FromJson(std::string_view json) {
  const Reader in("model JSON");
  return ModelFromJson(in, ParseDocument(in, json));
}

void Model::Save(const std::filesystem::path& path) const {
  detail::WriteFileAtomically(path, ToJson(), "model");
}

Model Model::Load(const std::filesystem::path& path) {
  const std::string text = detail::ReadFileBytes(path, "model file");
  const Reader in(path.string());
  return ModelFromJson(in, ParseDocument(in, text));
}

}  // namespace grove
