# The CSV reader's tests (ReadCsv and its internals in io/csv_*.h).
grove_add_tests(io_csv_tests
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/csv_number_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/csv_reader_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/csv_sniff_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/csv_header_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/csv_quote_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/csv_parallel_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/csv_peer_test.cc
  LIBS grove_io fmt::fmt TBB::tbb)
