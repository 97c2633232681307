// cli/job_files.h — small files a training job writes: atomic text files and the SageMaker
// failure file.
//
//   WriteFileAtomic(dir / "feature-importance.json", json_text);   // temp file + rename
//   WriteFailure(root / "output/failure", error.what());            // then exit non-zero
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace grove::cli {

/// The whole content of a file. Throws IoError naming the path and the system error.
std::string ReadFileText(const std::filesystem::path& path);

/// SageMaker shows the first 1024 characters of the failure file as FailureReason.
inline constexpr std::size_t kFailureReasonLimit = 1024;

/// Writes `text` to a temp file in the directory of `path` (named `<name><temp_suffix>`, or a
/// unique hidden name when the suffix is empty), flushes it to disk and renames it over `path`,
/// so readers see the old file or the new one, never a part. Creates the parent directory.
/// Throws IoError naming the path and the system error.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view text,
                     std::string_view temp_suffix = {});

/// The failure file's text for `message`: the message itself when it fits in
/// kFailureReasonLimit characters; otherwise a first part cut at a line or word boundary under
/// the limit, ending with "[...]", then a blank line and the full message.
std::string FailureText(std::string_view message);

/// Writes FailureText(message) to `path` atomically. Never throws: a failure file that cannot
/// be written is reported on stderr (the job fails either way).
void WriteFailure(const std::filesystem::path& path, std::string_view message) noexcept;

}  // namespace grove::cli
