// grove/errors.h — the exceptions grove throws, and GROVE_CHECK.
//
//   try {
//     grove::DataSet data = grove::io::ReadChannel("train/", options);
//   } catch (const grove::InvalidInput& e) {   // the user can fix it: bad file, bad parameter
//     std::cerr << e.what() << "\n";
//   } catch (const grove::Error& e) {          // IoError, DeviceError, InternalError
//     std::cerr << e.what() << "\n";
//   }
//
// Messages say what went wrong, where (file:line, column or parameter), what was found versus
// what was expected, and how to fix it. The CLI maps InvalidInput/IoError to exit code 1 and
// the rest to 2 (cli/main.cc is the one place that catches).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace grove {

/// Base of every exception grove throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad data or parameters: the user can fix it.
class InvalidInput : public Error {
 public:
  using Error::Error;
};

/// A label the objective cannot train on (not finite, or outside its domain): InvalidInput
/// that also says where, so a caller that knows where the rows came from (a file and line)
/// can point there. `set` is the eval-set name ("train", "validation", ...) or empty when the
/// check did not know it; `row` is the 0-based row in that set.
class LabelError : public InvalidInput {
 public:
  LabelError(const std::string& message, std::string set, std::size_t row)
      : InvalidInput(message), set_(std::move(set)), row_(row) {}
  const std::string& set() const { return set_; }
  std::size_t row() const { return row_; }

 private:
  std::string set_;
  std::size_t row_;
};

/// A file or stream could not be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

/// The CUDA runtime or driver failed.
class DeviceError : public Error {
 public:
  using Error::Error;
};

/// A broken invariant inside grove: a bug. The message asks for a report.
class InternalError : public Error {
 public:
  using Error::Error;
};

namespace detail {
// Header-only so that kernels/ and metrics/, which sit below the engine library, can use it.
[[noreturn]] inline void ThrowCheckFailure(const char* file, int line, const char* condition,
                                           const std::string& message) {
  throw InternalError(std::string("internal error at ") + file + ":" + std::to_string(line) +
                      ": check `" + condition + "` failed: " + message +
                      " (this is a bug in grove; please report it with the command line and, "
                      "if possible, the data)");
}
}  // namespace detail

}  // namespace grove

/// Always-on invariant check: throws grove::InternalError naming the condition, file and line.
/// `message` is any expression convertible to std::string.
#define GROVE_CHECK(condition, message)                                                   \
  do {                                                                                    \
    if (!(condition)) [[unlikely]] {                                                      \
      ::grove::detail::ThrowCheckFailure(__FILE__, __LINE__, #condition, (message));     \
    }                                                                                     \
  } while (false)
