# Tests of the engine's quantization: cut points, the quantile sketch, the binned matrix.
grove_add_tests(quantize_tests SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/quantize_test.cc LIBS grove_engine)
