// io/csv_schema.h — the CSV columns: header row detection and checks, how each file column maps
// to the label, the weight or matrix features (Layout), and the inferred Schema.
//
//   csv::FirstRecord first = csv::ReadFirstRecord(file, dialect);
//   bool header = csv::IsHeader(first, options.header, nullptr);
//   csv::Layout layout = csv::MakeLayout(schema, has_label, has_weight, header_names);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grove/dataset.h"
#include "grove/io.h"
#include "io/csv_number.h"
#include "io/csv_scan.h"

namespace grove::io::csv {

/// The first non-blank record of a file, cells trimmed and unescaped.
struct FirstRecord {
  bool found = false;
  std::vector<std::string> cells;
  std::vector<CellKind> kinds;
  std::size_t line = 0;      ///< 1-based line of the record
  std::size_t end = 0;       ///< offset just past the record
  std::size_t end_line = 0;  ///< line number at `end`
};

FirstRecord ReadFirstRecord(const FileText& file, const Dialect& dialect);

enum class SlotKind : std::uint8_t { kLabel, kWeight, kNumeric, kCategorical };

/// Where one file column goes.
struct Slot {
  SlotKind kind = SlotKind::kNumeric;
  std::uint32_t column = 0;   ///< kNumeric/kCategorical: index into Schema::columns
  std::uint32_t feature = 0;  ///< kNumeric/kCategorical: first matrix column
  std::uint32_t width = 1;    ///< matrix columns it fills (categories when one-hot)
};

struct Layout {
  std::vector<Slot> slots;         ///< one per file column
  std::vector<std::string> names;  ///< header names per file column; empty without header
  std::size_t num_features = 0;
  std::size_t num_columns() const { return slots.size(); }
  /// `column 3 "age"`, `column 1 (label)`, `column 2 (weight "w")`: for messages.
  std::string Describe(std::size_t file_column) const;
};

/// The file columns implied by `schema`, preceded by the label and weight columns.
Layout MakeLayout(const Schema& schema, bool has_label, bool has_weight,
                  std::vector<std::string> names);

/// The header names a file must have to match `schema` (label, weight, then columns).
std::vector<std::string> ExpectedNames(const Schema& schema, bool has_label, bool has_weight);

/// Whether the first record is a header row. kAuto: some cell is text (neither number nor
/// missing); with `schema_layout` (a given schema), text in a categorical column does not
/// count, but a row equal to the schema's names does.
bool IsHeader(const FirstRecord& first, HeaderMode mode, const Layout* schema_layout,
              const std::vector<std::string>* schema_names);

/// Throws unless a later file's header equals the first file's.
void CheckSameHeader(const FileText& file, const FirstRecord& record, const FileText& first_file,
                     const FirstRecord& first_header);

/// Throws unless the first record fits the given schema: column count, and the header names
/// when both the file and the schema have a header.
void CheckAgainstSchema(const FileText& file, const FirstRecord& first, bool header,
                        const Schema& schema, bool has_label, bool has_weight);

/// An all-numeric schema for `num_columns` file columns (names from `header` when given).
Schema InitialSchema(std::size_t num_columns, bool has_label, bool has_weight,
                     const std::vector<std::string>* header);

/// The first text cell seen in a column, for messages.
struct TextExample {
  std::size_t file = 0;
  std::size_t line = 0;
  std::string text;
};

/// Turns the columns with text cells into categorical ones with the given sorted dictionaries
/// and recomputes feature offsets. Throws when a dictionary is too large to one-hot encode.
/// `column_offset`: file columns before the first feature column (label, weight).
void MakeCategorical(Schema* schema, const std::vector<std::optional<TextExample>>& text_cells,
                     std::vector<std::vector<std::string>> dictionaries,
                     std::span<const FileText> files, std::size_t column_offset);

/// Most categories a column may have: one-hot columns of a dense matrix cost rows × categories.
inline constexpr std::size_t kMaxCategories = 10'000;

}  // namespace grove::io::csv
