# `cmake --install` lays out headers, static libraries, the grove tool and a package config so
# that `find_package(grove)` + `target_link_libraries(app PRIVATE grove::grove)` works.
include(CMakePackageConfigHelpers)

install(DIRECTORY engine/include/grove DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS grove grove_headers grove_engine grove_io grove_metrics grove_kernels grove_kernels_cpu grove_kernels_cuda
        EXPORT groveTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS grove_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT groveTargets NAMESPACE grove:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/grove)

configure_package_config_file(cmake/groveConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/groveConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/grove)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/groveConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/groveConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/groveConfigVersion.cmake
              ${CMAKE_CURRENT_SOURCE_DIR}/cmake/GroveXtlShim.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/grove)
