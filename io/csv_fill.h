// io/csv_fill.h — parsing the records of one chunk straight into the output arrays, and
// collecting category dictionaries. Both run in parallel over chunks; each chunk writes only its
// own rows, so the result does not depend on the thread count.
//
//   csv::ChunkReport report = csv::FillChunk(files, chunk, dialect, plan, target);
//   if (report.failure) ...  // the chunk's first bad cell
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "io/csv_scan.h"
#include "io/csv_schema.h"

namespace grove::io::csv {

/// Hash for heterogeneous (std::string_view) lookup in unordered containers.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};
/// Category text → index in the column's dictionary (views into the Schema's strings).
using CategoryIds =
    std::unordered_map<std::string_view, std::uint32_t, StringHash, std::equal_to<>>;
using CategorySet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

/// What a fill pass needs to know besides the text.
struct FillPlan {
  Layout layout;
  std::vector<CategoryIds> categories;  ///< per schema column; empty for numeric ones
  bool infer = false;            ///< header, no schema: note text in numeric columns, do not fail
  bool schema_given = false;     ///< numeric columns were declared by a model's schema
  std::string counted_file;      ///< the record that set the expected column count ...
  std::size_t counted_line = 0;  ///< ... and its line
};

/// `schema` must outlive the plan (the category maps view its strings).
FillPlan MakeFillPlan(const Schema& schema, Layout layout, bool infer, bool schema_given,
                      std::string counted_file, std::size_t counted_line);

/// Where parsed values go: row r of the features at features + r * cols.
struct FillTarget {
  float* features = nullptr;
  std::size_t cols = 0;
  float* labels = nullptr;   ///< null without a label column
  float* weights = nullptr;  ///< null without a weight column
};

struct UnseenCategories {
  std::size_t count = 0;
  std::optional<TextExample> first;
};

struct ChunkReport {
  struct Failure {
    std::string message;
    bool internal = false;  ///< a bug (row counts disagree), not bad input
  };
  std::optional<Failure> failure;                      ///< the chunk's first error
  std::vector<std::optional<TextExample>> text_cells;  ///< per schema column (plan.infer)
  std::vector<UnseenCategories> unseen;                ///< per schema column (categorical)
  std::size_t rows = 0;
};

ChunkReport FillChunk(std::span<const FileText> files, const Chunk& chunk, const Dialect& dialect,
                      const FillPlan& plan, const FillTarget& target);

/// Adds the non-missing cells of the layout's categorical columns to `sets` (per schema column).
void CollectCategories(const FileText& file, const Chunk& chunk, const Dialect& dialect,
                       const Layout& layout, std::vector<CategorySet>* sets);

}  // namespace grove::io::csv
