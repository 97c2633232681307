# Host-side tests of device=cuda training (every build; the GPU comparisons are [cuda] tests
# in tests/kernels' grove_cuda_tests).
grove_add_tests(cuda_options_tests SOURCES cuda_options_test.cc LIBS grove_engine)
target_include_directories(cuda_options_tests PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(cuda_options_tests PRIVATE grove_kernels_cuda)

# CUDA builds: the [cuda] training tests once more, on a host emulation of the kernels/cuda
# interface (cuda_emulation.cc, linked ahead of the CUDA objects, which it replaces): checks the
# whole device=cuda orchestration on machines without a GPU; the models must be the CPU's bit
# for bit, since the emulated kernels are the CPU's.
if(GROVE_WITH_CUDA)
  add_executable(cuda_emulated_tests cuda_emulation.cc ../kernels/cuda_train_test.cc
                                    ../kernels/cuda_eval_test.cc ../kernels/cuda_model_predict_test.cc
                                    ../kernels/cuda_forest_test.cc ../kernels/cuda_auc_test.cc
                                    ../kernels/cuda_count_metrics_test.cc
                                    ../kernels/cuda_ranking_test.cc)
  target_link_libraries(cuda_emulated_tests PRIVATE grove_test_main grove_engine grove_kernels
                                                    grove_kernels_cpu grove_metrics)
  target_include_directories(cuda_emulated_tests PRIVATE ${PROJECT_SOURCE_DIR})
  # Bounds that allow for CUDA's expf and log become exact (tests/kernels/cuda_train_util.h).
  target_compile_definitions(cuda_emulated_tests PRIVATE GROVE_CUDA_EMULATED=1)
  add_test(NAME cuda.emulated COMMAND cuda_emulated_tests "[cuda]")
  set_tests_properties(cuda.emulated PROPERTIES TIMEOUT 600)
endif()
