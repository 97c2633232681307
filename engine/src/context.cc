#include "grove/context.h"

#include <charconv>

#include <fmt/format.h>

#include "grove/errors.h"

namespace grove {

Device Device::Parse(std::string_view text) {
  if (text == "cpu") return Device{};
  if (text == "cuda") return Device{Kind::kCuda, 0};
  if (text.starts_with("cuda:")) {
    const std::string_view digits = text.substr(5);
    int ordinal = -1;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), ordinal);
    if (error == std::errc() && end == digits.data() + digits.size() && !digits.empty() &&
        ordinal >= 0) {
      return Device{Kind::kCuda, ordinal};
    }
  }
  throw InvalidInput(fmt::format(
      "device: got \"{}\", expected cpu, cuda or cuda:<ordinal> (for example cuda:0)", text));
}

bool BuiltWithCuda() {
#ifdef GROVE_WITH_CUDA
  return true;
#else
  return false;
#endif
}

std::string BuildInfo() {
#ifdef GROVE_WITH_CUDA
  const std::string cuda = fmt::format("CUDA {}", GROVE_CUDA_VERSION);
#else
  const std::string cuda = "no CUDA";
#endif
#if defined(__clang__)
  const std::string compiler = fmt::format("clang {}.{}", __clang_major__, __clang_minor__);
#elif defined(__GNUC__)
  const std::string compiler = fmt::format("gcc {}.{}", __GNUC__, __GNUC_MINOR__);
#else
  const std::string compiler = "unknown compiler";
#endif
  return fmt::format("grove {} ({}, {}, {})", GROVE_VERSION, GROVE_BUILD_TYPE, cuda, compiler);
}

}  // namespace grove
