#include "cli/model_source.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "grove/errors.h"
#include "grove/log.h"
#include "grove/xgboost.h"

namespace grove::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 2> kPreferredNames = {"xgboost-model", "grove-model.json"};

bool Hidden(std::string_view name) { return !name.empty() && name.front() == '.'; }

// The member to load among `names` (base names), or throws naming `where` and the candidates.
std::size_t ChooseMember(const std::vector<std::string>& names, std::string_view where) {
  for (const std::string_view preferred : kPreferredNames) {
    const auto it = std::find(names.begin(), names.end(), preferred);
    if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
  }
  std::vector<std::size_t> visible;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!Hidden(names[i])) visible.push_back(i);
  }
  if (visible.size() == 1) return visible[0];
  if (visible.empty()) {
    throw InvalidInput(fmt::format("{}: holds no model file (expected xgboost-model, "
                                   "grove-model.json or a single model file)",
                                   where));
  }
  std::string list;
  for (const std::size_t i : visible) list += (list.empty() ? "" : ", ") + names[i];
  throw InvalidInput(fmt::format("{}: holds several files ({}) and none is named xgboost-model "
                                 "or grove-model.json; name the model file itself with --model",
                                 where, list));
}

Model LoadFromDirectory(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  if (error) {
    throw IoError(fmt::format("{}: cannot list the model directory: {}", dir.string(),
                              error.message()));
  }
  std::sort(names.begin(), names.end());
  const fs::path file = dir / names[ChooseMember(names, dir.string())];
  Log(LogLevel::kInfo, fmt::format("Loading the model {}", file.string()));
  return LoadAnyModel(file);
}

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

// Every regular file of a (compressed) tar archive: base name and bytes. Model archives are
// small (one model), so reading all members keeps the choice logic the same as for directories.
std::vector<std::pair<std::string, std::string>> ReadArchive(const fs::path& path) {
  std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw IoError(fmt::format("{}: cannot open the model archive: {}", path.string(),
                              archive_error_string(a.get())));
  }
  std::vector<std::pair<std::string, std::string>> members;
  archive_entry* entry = nullptr;
  while (true) {
    const int status = archive_read_next_header(a.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
      throw InvalidInput(fmt::format("{}: not a readable tar archive: {}", path.string(),
                                     archive_error_string(a.get())));
    }
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const std::string name = fs::path(archive_entry_pathname(entry)).filename().string();
    std::string bytes;
    char buffer[1 << 16];
    la_ssize_t n = 0;
    while ((n = archive_read_data(a.get(), buffer, sizeof buffer)) > 0) {
      bytes.append(buffer, static_cast<std::size_t>(n));
    }
    if (n < 0) {
      throw InvalidInput(fmt::format("{}: cannot read member {}: {} (truncated archive?)",
                                     path.string(), name, archive_error_string(a.get())));
    }
    members.emplace_back(name, std::move(bytes));
  }
  return members;
}

Model LoadFromArchive(const fs::path& path) {
  const auto members = ReadArchive(path);
  std::vector<std::string> names;
  for (const auto& member : members) names.push_back(member.first);
  const auto& chosen = members[ChooseMember(names, path.string())];
  const std::string source = fmt::format("{}:{}", path.string(), chosen.first);
  Log(LogLevel::kInfo, fmt::format("Loading the model {}", source));
  return AnyModelFromBytes(chosen.second, source);
}

// gzip (any tar.gz) or an uncompressed tar ("ustar" at offset 257).
bool IsArchive(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char head[264] = {};
  const ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) return true;
  return n >= 262 && std::string_view(reinterpret_cast<const char*>(head + 257), 5) == "ustar";
}

}  // namespace

Model LoadModelSource(const fs::path& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    throw IoError(fmt::format("{}: no such model file or directory", path.string()));
  }
  if (fs::is_directory(status)) return LoadFromDirectory(path);
  if (IsArchive(path)) return LoadFromArchive(path);
  return LoadAnyModel(path);
}

}  // namespace grove::cli
