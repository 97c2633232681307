grove_add_tests(model_tests
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/model_test.cc ${CMAKE_CURRENT_SOURCE_DIR}/model_json_test.cc
  LIBS grove_engine grove_kernels_cpu)
target_link_libraries(model_tests PRIVATE nlohmann_json::nlohmann_json)
