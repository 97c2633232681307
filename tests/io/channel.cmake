# io_tests: channel listing and reading (files, directories, gzip, FIFOs), content types and
# format detection, the libsvm reader and WriteCsv.
grove_add_tests(io_tests
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/source_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/channel_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/libsvm_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/write_csv_test.cc
  LIBS grove_io fmt::fmt ZLIB::ZLIB)
