#include "grove/errors.h"

#include <fmt/format.h>

namespace grove::detail {

void ThrowCheckFailure(const char* file, int line, const char* condition,
                       const std::string& message) {
  throw InternalError(fmt::format(
      "internal error at {}:{}: check `{}` failed: {} (this is a bug in grove; please report it "
      "with the command line and, if possible, the data)",
      file, line, condition, message));
}

}  // namespace grove::detail
