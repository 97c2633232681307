# cmake -P script: install, configure the consumer, build it, run it.
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "command failed (${status}): ${ARGV}\n${err}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install "${GROVE_BUILD_DIR}" --prefix "${prefix}")
set(flags "")
if(SANITIZE)
  list(JOIN SANITIZE "," san)
  set(flags "-DCMAKE_CXX_FLAGS=-fsanitize=${san}" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${san}")
endif()
run(${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release
    ${flags})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer" "${WORK_DIR}/data")
