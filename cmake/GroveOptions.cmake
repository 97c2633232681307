# Build options shared by every folder.
option(GROVE_DEVELOPER_MODE "Build tests and benchmarks" ${PROJECT_IS_TOP_LEVEL})
set(GROVE_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address;undefined")

# Every grove target gets the warnings and sanitizer flags through this interface target.
add_library(grove_build_flags INTERFACE)
target_compile_options(grove_build_flags INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor>)
if(GROVE_SANITIZE)
  list(JOIN GROVE_SANITIZE "," _grove_san)
  # Sanitizers apply to the whole build (dependencies' headers included) so that
  # container-overflow annotations stay consistent across translation units.
  add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-fsanitize=${_grove_san}>
                      $<$<COMPILE_LANGUAGE:CXX>:-fno-omit-frame-pointer>
                      $<$<COMPILE_LANGUAGE:CXX>:-fno-sanitize-recover=all>)
  add_link_options(-fsanitize=${_grove_san})
endif()
install(TARGETS grove_build_flags EXPORT groveTargets)
