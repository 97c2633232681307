#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "grove/dataset.h"
#include "grove/errors.h"

namespace grove {

std::size_t Schema::NumFeatures() const {
  std::size_t total = 0;
  for (const ColumnSpec& column : columns) total += column.NumFeatures();
  return total;
}

std::vector<std::string> Schema::FeatureNames() const {
  std::vector<std::string> names;
  names.reserve(NumFeatures());
  for (const ColumnSpec& column : columns) {
    if (column.kind == ColumnKind::kNumeric) {
      names.push_back(column.name);
    } else {
      for (const std::string& category : column.categories) {
        names.push_back(column.name + "=" + category);
      }
    }
  }
  return names;
}

bool Schema::HasCategorical() const {
  for (const ColumnSpec& column : columns) {
    if (column.kind == ColumnKind::kCategorical) return true;
  }
  return false;
}

Schema Schema::Numeric(std::size_t num_features) {
  Schema schema;
  schema.columns.reserve(num_features);
  for (std::size_t i = 0; i < num_features; ++i) {
    schema.columns.push_back(
        ColumnSpec{fmt::format("f{}", i), ColumnKind::kNumeric, {}, static_cast<std::uint32_t>(i)});
  }
  return schema;
}

std::string Schema::ToJson() const {
  nlohmann::ordered_json out;
  out["has_header"] = has_header;
  out["label_name"] = label_name;
  out["weight_name"] = weight_name;
  nlohmann::ordered_json cols = nlohmann::ordered_json::array();
  for (const ColumnSpec& column : columns) {
    nlohmann::ordered_json c;
    c["name"] = column.name;
    c["kind"] = column.kind == ColumnKind::kNumeric ? "numeric" : "categorical";
    c["first_feature"] = column.first_feature;
    if (column.kind == ColumnKind::kCategorical) c["categories"] = column.categories;
    cols.push_back(std::move(c));
  }
  out["columns"] = std::move(cols);
  return out.dump();
}

Schema Schema::FromJson(std::string_view json) {
  Schema schema;
  try {
    const nlohmann::json in = nlohmann::json::parse(json);
    schema.has_header = in.at("has_header").get<bool>();
    schema.label_name = in.at("label_name").get<std::string>();
    schema.weight_name = in.at("weight_name").get<std::string>();
    std::uint32_t next_feature = 0;
    for (const nlohmann::json& c : in.at("columns")) {
      ColumnSpec column;
      column.name = c.at("name").get<std::string>();
      const std::string kind = c.at("kind").get<std::string>();
      if (kind == "numeric") {
        column.kind = ColumnKind::kNumeric;
      } else if (kind == "categorical") {
        column.kind = ColumnKind::kCategorical;
        column.categories = c.at("categories").get<std::vector<std::string>>();
      } else {
        throw InvalidInput(fmt::format(
            "schema column \"{}\": kind \"{}\" is not numeric or categorical", column.name, kind));
      }
      column.first_feature = c.at("first_feature").get<std::uint32_t>();
      if (column.first_feature != next_feature) {
        throw InvalidInput(fmt::format(
            "schema column \"{}\": first_feature is {}, expected {} (columns must be contiguous)",
            column.name, column.first_feature, next_feature));
      }
      next_feature += column.NumFeatures();
      schema.columns.push_back(std::move(column));
    }
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(fmt::format("schema JSON is malformed: {}", e.what()));
  }
  return schema;
}

}  // namespace grove
