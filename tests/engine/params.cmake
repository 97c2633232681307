# Hyperparameter table tests (engine/include/grove/params.def and everything generated from it).
grove_add_tests(params_tests
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/params_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/params_rules_test.cc
  LIBS grove_engine)
# The tests include the engine's internal params_table.h (ResetLogOnceForTesting) and link
# fmt/nlohmann, which grove_engine keeps private.
target_include_directories(params_tests PRIVATE ${PROJECT_SOURCE_DIR}/engine/src)
target_link_libraries(params_tests PRIVATE fmt::fmt nlohmann_json::nlohmann_json)
