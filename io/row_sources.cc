// RowSources::Describe: the file (and line) of a data-set row, for messages about rows that
// are found bad after reading.
#include <fmt/format.h>

#include <algorithm>

#include "grove/io.h"

namespace grove::io {

std::string RowSources::Describe(std::size_t row) const {
  // Runs are in row order: the last one starting at or before `row`.
  const auto after =
      std::upper_bound(runs.begin(), runs.end(), row,
                       [](std::size_t r, const RowRun& run) { return r < run.first_row; });
  if (after == runs.begin()) return "";
  const RowRun& run = *(after - 1);
  if (row - run.first_row >= run.rows || run.file >= files.size()) return "";
  const std::string& file = files[run.file];
  const std::size_t offset = row - run.first_row;
  if (run.line_per_row) return fmt::format("{}:{}", file, run.first_line + offset);
  // Blank lines or quoted line breaks sit between the rows: count the file's rows instead.
  std::size_t row_in_file = 0;
  for (auto it = runs.begin(); it != after - 1; ++it) {
    if (it->file == run.file) row_in_file += it->rows;
  }
  return fmt::format("{}, data row {} of the file (at or after line {})", file,
                     row_in_file + offset + 1, run.first_line + offset);
}

}  // namespace grove::io
