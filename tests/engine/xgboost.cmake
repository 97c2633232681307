# XGBoost export/import: format and refusal tests (no XGBoost needed) and peer tests that run
# Debian's python3-xgboost 1.7.4 in the same test run.
grove_add_tests(xgboost_tests
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/xgboost_format_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/xgboost_import_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/xgboost_peer_test.cc
  LIBS grove_engine grove_io)
target_link_libraries(xgboost_tests PRIVATE nlohmann_json::nlohmann_json)
