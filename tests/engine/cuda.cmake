# Host-side tests of device=cuda training (every build; the GPU comparisons are [cuda] tests
# in tests/kernels' grove_cuda_tests).
grove_add_tests(cuda_options_tests SOURCES cuda_options_test.cc LIBS grove_engine)
target_include_directories(cuda_options_tests PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(cuda_options_tests PRIVATE grove_kernels_cuda)
