// kernels/device_switch.h — shared by the `<op>.cc` device switches.
#pragma once

#include <string>
#include <string_view>

#include "grove/context.h"
#include "grove/errors.h"

namespace grove {

/// The CUDA twins of the training kernels arrive with the CUDA backend; until then a CUDA
/// context is refused up front with a message naming the operation.
inline void RequireCpu(const Context& ctx, std::string_view operation) {
  if (!ctx.device.IsCpu()) {
    throw InvalidInput("device=" + ctx.device.ToString() + ": " + std::string(operation) +
                       " runs only on the CPU in this version of grove; set device=cpu");
  }
}

}  // namespace grove
