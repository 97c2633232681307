// io/csv_sniff.h — choosing the CSV delimiter.
//
//   csv::Dialect dialect = csv::ResolveDialect(files, options);  // logs a sniffed choice
//
// Like the built-in XGBoost container (Python's csv.Sniffer), the delimiter is sniffed from the
// first non-blank line of the first file; the next lines settle ties by consistency.
#pragma once

#include <span>

#include "grove/io.h"
#include "io/csv_scan.h"

namespace grove::io::csv {

/// `options.delimiter` when set (' ' = runs of spaces and tabs), else the sniffed one among
/// ',', '\t', ';', '|' and whitespace. Throws InvalidInput naming file:line when the first
/// non-blank line holds none of them, or when the explicit delimiter cannot be one.
Dialect ResolveDialect(std::span<const FileText> files, const ReadOptions& options);

}  // namespace grove::io::csv
