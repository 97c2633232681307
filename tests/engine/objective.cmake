# Objectives: hand-computed unit tests plus [peer] checks against xgboost 1.7.4.
grove_add_tests(objective_tests
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/objective_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/objective_peer_test.cc
  LIBS grove_engine grove_kernels_cpu)
