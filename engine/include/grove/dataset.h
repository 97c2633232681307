// grove/dataset.h — the in-memory data every loader produces and every trainer consumes.
//
//   grove::DenseMatrix x(2, 3);            // 2 rows, 3 features, all missing (NaN)
//   x.At(0, 1) = 4.5f;
//   grove::DataSet data;
//   data.features = std::move(x);
//   data.labels = {0.0f, 1.0f};
//   if (data.IsDense()) { const auto& m = data.Dense(); ... }
//
// Layout: dense matrices are row-major float32; CSR matrices hold only present entries.
// A missing value is NaN (dense) or an absent entry (CSR). Labels, weights and query ids have
// one entry per row (weights/query ids may be empty: all 1 / no groups). Plain value types;
// not synchronised — share them read-only between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace grove {

inline constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

/// Row-major rows × cols matrix of float32; NaN marks a missing value.
struct DenseMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> values;  ///< rows * cols entries, row r at [r * cols, (r + 1) * cols).

  DenseMatrix() = default;
  /// A rows × cols matrix filled with `fill` (missing by default).
  DenseMatrix(std::size_t rows, std::size_t cols, float fill = kMissing);

  float& At(std::size_t row, std::size_t col) { return values[row * cols + col]; }
  float At(std::size_t row, std::size_t col) const { return values[row * cols + col]; }
  std::span<const float> Row(std::size_t row) const { return {values.data() + row * cols, cols}; }
};

/// Compressed sparse rows: row r's entries are [row_ptr[r], row_ptr[r + 1]) of `col_index` and
/// `values`, column indices strictly increasing within a row. Absent entries are missing.
struct CsrMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::uint64_t> row_ptr{0};  ///< rows + 1 offsets, row_ptr[0] == 0.
  std::vector<std::uint32_t> col_index;
  std::vector<float> values;

  std::size_t NumEntries() const { return values.size(); }
  /// The same data as a dense matrix (absent entries become NaN).
  DenseMatrix ToDense() const;
};

/// How one source column (a CSV column other than label and weight) becomes features.
enum class ColumnKind {
  kNumeric,      ///< one float feature
  kCategorical,  ///< one 0/1 feature per category (one-hot); unseen categories give all zeros
};

struct ColumnSpec {
  std::string name;                     ///< header name, or "f<k>" when the file has no header
  ColumnKind kind = ColumnKind::kNumeric;
  std::vector<std::string> categories;  ///< kCategorical: the dictionary, sorted bytewise
  std::uint32_t first_feature = 0;      ///< matrix column of this column's first feature

  std::uint32_t NumFeatures() const {
    return kind == ColumnKind::kNumeric ? 1U : static_cast<std::uint32_t>(categories.size());
  }
  friend bool operator==(const ColumnSpec&, const ColumnSpec&) = default;
};

/// What the loader learned about the source columns: names and one-hot dictionaries. A model
/// stores it so that prediction on new files applies the identical encoding.
struct Schema {
  std::vector<ColumnSpec> columns;  ///< feature columns in file order (label/weight excluded)
  std::string label_name;           ///< header name of the label column, "" without header
  std::string weight_name;          ///< header name of the weight column, "" when none
  bool has_header = false;

  std::size_t NumFeatures() const;
  /// One name per matrix column: the column name, or "name=category" for one-hot features.
  std::vector<std::string> FeatureNames() const;
  bool HasCategorical() const;
  /// A plain numeric schema with `num_features` columns named f0, f1, ...
  static Schema Numeric(std::size_t num_features);

  /// Stable JSON text (stored inside model files). FromJson throws InvalidInput on bad input.
  std::string ToJson() const;
  static Schema FromJson(std::string_view json);
  friend bool operator==(const Schema&, const Schema&) = default;
};

/// Features + labels + optional weights and query ids + schema: one loaded data set.
struct DataSet {
  std::variant<DenseMatrix, CsrMatrix> features;
  std::vector<float> labels;           ///< one per row
  std::vector<float> weights;          ///< one per row, or empty (= all 1)
  std::vector<std::uint64_t> qids;     ///< libsvm `qid:`, one per row, or empty
  Schema schema;

  bool IsDense() const { return std::holds_alternative<DenseMatrix>(features); }
  const DenseMatrix& Dense() const { return std::get<DenseMatrix>(features); }
  const CsrMatrix& Sparse() const { return std::get<CsrMatrix>(features); }
  std::size_t NumRows() const;
  std::size_t NumFeatures() const;
  /// Query-group boundaries from `qids` (consecutive equal ids form a group): size groups + 1.
  /// Empty when there are no query ids.
  std::vector<std::uint32_t> GroupPointers() const;
};

}  // namespace grove
