#include "io/csv_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "grove/log.h"

namespace grove::io::csv {
namespace {

// "a, b, c" (the first 20 names) for messages.
std::string JoinNames(const std::vector<std::string>& names) {
  constexpr std::size_t kShown = 20;
  std::string joined;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) {
    if (i > 0) joined += ", ";
    joined += QuoteForMessage(names[i]);
  }
  if (names.size() > kShown) joined += fmt::format(", ... ({} in all)", names.size());
  return joined;
}

// Index of the first cell where two rows differ (the shorter size when one is a prefix).
std::size_t FirstDifference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

FirstRecord ReadFirstRecord(const FileText& file, const Dialect& dialect) {
  FirstRecord first;
  RecordReader reader(file, 0, file.text.size(), 1, dialect);
  if (!reader.NextRecord()) return first;
  first.found = true;
  first.line = reader.record_line();
  Field field;
  std::string scratch;
  while (reader.NextField(&field)) {
    const std::string_view cell = Unescape(field, &scratch);
    float ignored = 0.0F;
    first.kinds.push_back(ParseCell(cell, &ignored));
    first.cells.emplace_back(cell);
  }
  first.end = reader.position();
  first.end_line = reader.line();
  return first;
}

std::string Layout::Describe(std::size_t file_column) const {
  const std::string name = names.empty() ? std::string() : QuoteForMessage(names[file_column]);
  const std::size_t number = file_column + 1;
  switch (slots[file_column].kind) {
    case SlotKind::kLabel:
      return name.empty() ? fmt::format("column {} (label)", number)
                          : fmt::format("column {} (label {})", number, name);
    case SlotKind::kWeight:
      return name.empty() ? fmt::format("column {} (weight)", number)
                          : fmt::format("column {} (weight {})", number, name);
    case SlotKind::kNumeric:
    case SlotKind::kCategorical:
      break;
  }
  return name.empty() ? fmt::format("column {}", number)
                      : fmt::format("column {} {}", number, name);
}

Layout MakeLayout(const Schema& schema, bool has_label, bool has_weight,
                  std::vector<std::string> names) {
  Layout layout;
  layout.names = std::move(names);
  if (has_label) layout.slots.push_back(Slot{SlotKind::kLabel, 0, 0, 0});
  if (has_weight) layout.slots.push_back(Slot{SlotKind::kWeight, 0, 0, 0});
  for (std::size_t k = 0; k < schema.columns.size(); ++k) {
    const ColumnSpec& column = schema.columns[k];
    layout.slots.push_back(
        Slot{column.kind == ColumnKind::kNumeric ? SlotKind::kNumeric : SlotKind::kCategorical,
             static_cast<std::uint32_t>(k), column.first_feature, column.NumFeatures()});
  }
  layout.num_features = schema.NumFeatures();
  return layout;
}

std::vector<std::string> ExpectedNames(const Schema& schema, bool has_label, bool has_weight) {
  std::vector<std::string> names;
  if (has_label) names.push_back(schema.label_name);
  if (has_weight) names.push_back(schema.weight_name);
  for (const ColumnSpec& column : schema.columns) names.push_back(column.name);
  return names;
}

bool IsHeader(const FirstRecord& first, HeaderMode mode, const Layout* schema_layout,
              const std::vector<std::string>* schema_names) {
  if (mode == HeaderMode::kPresent) return true;
  if (mode == HeaderMode::kAbsent) return false;
  if (schema_names != nullptr && first.cells == *schema_names) return true;
  for (std::size_t i = 0; i < first.kinds.size(); ++i) {
    if (first.kinds[i] != CellKind::kText) continue;
    // A given schema's categorical columns hold text in data rows too.
    const bool categorical = schema_layout != nullptr && i < schema_layout->slots.size() &&
                             schema_layout->slots[i].kind == SlotKind::kCategorical;
    if (!categorical) return true;
  }
  return false;
}

void CheckSameHeader(const FileText& file, const FirstRecord& record, const FileText& first_file,
                     const FirstRecord& first_header) {
  if (!record.found || record.cells == first_header.cells) return;
  const std::size_t i = FirstDifference(record.cells, first_header.cells);
  const std::string hint = "(every file must start with the same header row as the first file)";
  if (i < record.cells.size() && i < first_header.cells.size()) {
    throw InvalidInput(fmt::format(
        "{}:{}: the header row differs from the one in {}:{} at column {}: found {}, expected {} "
        "{}",
        file.name, record.line, first_file.name, first_header.line, i + 1,
        QuoteForMessage(record.cells[i]), QuoteForMessage(first_header.cells[i]), hint));
  }
  throw InvalidInput(fmt::format("{}:{}: the header row has {} columns, the one in {}:{} has {} {}",
                                 file.name, record.line, record.cells.size(), first_file.name,
                                 first_header.line, first_header.cells.size(), hint));
}

void CheckAgainstSchema(const FileText& file, const FirstRecord& first, bool header,
                        const Schema& schema, bool has_label, bool has_weight) {
  const std::vector<std::string> expected = ExpectedNames(schema, has_label, has_weight);
  if (header && schema.has_header) {
    if (first.cells == expected) return;
    const std::size_t i = FirstDifference(first.cells, expected);
    if (i < first.cells.size() && i < expected.size()) {
      throw InvalidInput(fmt::format(
          "{}:{}: the header does not match the model's schema: column {} is {}, expected {} "
          "(the schema's columns, in order: {})",
          file.name, first.line, i + 1, QuoteForMessage(first.cells[i]),
          QuoteForMessage(expected[i]), JoinNames(expected)));
    }
    throw InvalidInput(fmt::format(
        "{}:{}: the header has {} columns, the model's schema has {} (in order: {})", file.name,
        first.line, first.cells.size(), expected.size(), JoinNames(expected)));
  }
  if (first.cells.size() != expected.size()) {
    throw InvalidInput(fmt::format(
        "{}:{}: found {} columns, expected {} as the model's schema says ({}{}{} feature columns)",
        file.name, first.line, first.cells.size(), expected.size(), has_label ? "label, " : "",
        has_weight ? "weight, " : "", schema.columns.size()));
  }
}

Schema InitialSchema(std::size_t num_columns, bool has_label, bool has_weight,
                     const std::vector<std::string>* header) {
  const std::size_t first = (has_label ? 1 : 0) + (has_weight ? 1 : 0);
  Schema schema;
  schema.has_header = header != nullptr;
  if (header != nullptr) {
    if (has_label) schema.label_name = (*header)[0];
    if (has_weight) schema.weight_name = (*header)[1];
  }
  for (std::size_t j = first; j < num_columns; ++j) {
    ColumnSpec column;
    column.name = header != nullptr ? (*header)[j] : fmt::format("f{}", j - first);
    column.first_feature = static_cast<std::uint32_t>(j - first);
    schema.columns.push_back(std::move(column));
  }
  return schema;
}

void MakeCategorical(Schema* schema, const std::vector<std::optional<TextExample>>& text_cells,
                     std::vector<std::vector<std::string>> dictionaries,
                     std::span<const FileText> files, std::size_t column_offset) {
  for (std::size_t k = 0; k < schema->columns.size(); ++k) {
    if (!text_cells[k]) continue;
    ColumnSpec& column = schema->columns[k];
    const TextExample& example = *text_cells[k];
    const std::string where =
        fmt::format("column {} {}", k + column_offset + 1, QuoteForMessage(column.name));
    const std::string why = fmt::format("text cell {} at {}:{}", QuoteForMessage(example.text),
                                        files[example.file].name, example.line);
    std::vector<std::string>& categories = dictionaries[k];
    if (categories.size() > kMaxCategories) {
      throw InvalidInput(fmt::format(
          "{} has {} distinct values, more than the {} categories grove one-hot encodes per "
          "column; it is treated as categorical because of the {}. Drop identifier-like "
          "columns, or fix that cell if the column is meant to be numeric",
          where, categories.size(), kMaxCategories, why));
    }
    std::sort(categories.begin(), categories.end());  // char_traits<char>: bytewise
    column.kind = ColumnKind::kCategorical;
    column.categories = std::move(categories);
    const std::size_t count = column.categories.size();
    Log(LogLevel::kInfo, fmt::format("CSV {} is categorical ({}): {} categor{}, one-hot encoded",
                                     where, why, count, count == 1 ? "y" : "ies"));
  }
  std::uint32_t next = 0;
  for (ColumnSpec& column : schema->columns) {
    column.first_feature = next;
    next += column.NumFeatures();
  }
}

}  // namespace grove::io::csv
