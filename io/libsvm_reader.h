// io/libsvm_reader.h — the libsvm reader with its chunk size exposed, so that tests can cut the
// input at every byte and check that the result never depends on where chunks end.
#pragma once

#include <cstddef>
#include <span>

#include "grove/dataset.h"
#include "grove/io.h"

namespace grove::io::detail {

/// Bytes of input per parallel task in ReadLibsvm (each chunk is extended to a line end).
inline constexpr std::size_t kLibsvmChunkBytes = std::size_t{1} << 20;

/// ReadLibsvm with `chunk_bytes` (>= 1) bytes per task. The result, errors included, is the same
/// for every chunk size and thread count.
DataSet ReadLibsvmChunked(std::span<const Buffer> files, const ReadOptions& options,
                          std::size_t chunk_bytes);

}  // namespace grove::io::detail
