// engine/src/file_bytes.h — whole-file reads and atomic whole-file writes for model files.
//
//   std::string bytes = ReadFileBytes(path, "model file");   // IoError names path and errno
//   WriteFileAtomically(path, text, "model");                 // temp file, fsync, rename
//
// POSIX calls rather than std::ifstream: opening a directory must fail with a clear message,
// and a reader must never see a half-written model (write a sibling, then rename over).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace grove::detail {

/// The bytes of `path`. `what` names the file's role in the IoError message ("model file").
std::string ReadFileBytes(const std::filesystem::path& path, std::string_view what);

/// Writes `bytes` to a new file next to `path`, flushes it and renames it over `path`: readers
/// see the old file or the new one, never a partial one. Throws IoError naming `path`.
void WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes,
                         std::string_view what);

}  // namespace grove::detail
