# Installs headers (with the generated .inc files), the libraries, the tools
# and a CMake package so that other projects can
#   find_package(Palettize CONFIG REQUIRED)
#   target_link_libraries(mytool PRIVATE Palettize::Palettize)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PALETTIZE_INSTALL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Palettize)

install(DIRECTORY ${PALETTIZE_SOURCE_DIR}/include/palettize
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PALETTIZE_BINARY_DIR}/include/palettize
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.inc")

install(TARGETS PalettizeLut PalettizeSupport PalettizeMIL PalettizeMILTransforms
                PalettizeConversion PalettizeCoreML
                Palettize
  EXPORT PalettizeTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS palettize-opt palettize-translate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS PalettizePlugin LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})

install(EXPORT PalettizeTargets
  NAMESPACE Palettize::
  DESTINATION ${PALETTIZE_INSTALL_CMAKE_DIR})

configure_package_config_file(
  ${PALETTIZE_SOURCE_DIR}/cmake/PalettizeConfig.cmake.in
  ${PALETTIZE_BINARY_DIR}/PalettizeConfig.cmake
  INSTALL_DESTINATION ${PALETTIZE_INSTALL_CMAKE_DIR})
write_basic_package_version_file(
  ${PALETTIZE_BINARY_DIR}/PalettizeConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PALETTIZE_BINARY_DIR}/PalettizeConfig.cmake
  ${PALETTIZE_BINARY_DIR}/PalettizeConfigVersion.cmake
  DESTINATION ${PALETTIZE_INSTALL_CMAKE_DIR})
