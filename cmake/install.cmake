# What `cmake --install` puts where, and the Debian packages CPack makes of
# it (scripts/package.sh). Two components: `runtime` (the binary, its man
# page and completions: package kvstore) and `dev` (headers, library, CMake
# package, pkg-config file: package kvstore-dev).
include(CMakePackageConfigHelpers)

# The man page and the completion scripts, written by the binary itself from
# the command table it parses with (src/cli/catalog.h).
set(generated ${PROJECT_BINARY_DIR}/share)
add_custom_command(
  OUTPUT ${generated}/kvstore.1 ${generated}/kvstore.1.gz ${generated}/kvstore.bash ${generated}/_kvstore
         ${generated}/kvstore.fish
  COMMAND $<TARGET_FILE:kvstore_cli> __man > ${generated}/kvstore.1
  COMMAND gzip -9nf < ${generated}/kvstore.1 > ${generated}/kvstore.1.gz
  COMMAND $<TARGET_FILE:kvstore_cli> completion bash > ${generated}/kvstore.bash
  COMMAND $<TARGET_FILE:kvstore_cli> completion zsh > ${generated}/_kvstore
  COMMAND $<TARGET_FILE:kvstore_cli> completion fish > ${generated}/kvstore.fish
  DEPENDS kvstore_cli
  COMMENT "Writing the man page and shell completions")
add_custom_target(kvstore_docs ALL DEPENDS ${generated}/kvstore.1.gz)

install(TARGETS kvstore_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(FILES ${generated}/kvstore.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
install(FILES ${generated}/kvstore.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME kvstore COMPONENT runtime)
install(FILES ${generated}/_kvstore DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT runtime)
install(FILES ${generated}/kvstore.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d
        COMPONENT runtime)

install(TARGETS kvstore EXPORT kvstoreTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/kvstore DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/kvstore/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kvstore
        COMPONENT dev)

# find_package(kvstore): the target kvstore::kvstore with its include folder,
# C++20 and the libraries it links (and SQLite::SQLite3 when built on
# Debian's SQLite instead of its own copy).
set(cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/kvstore)
install(EXPORT kvstoreTargets NAMESPACE kvstore:: DESTINATION ${cmake_dir} COMPONENT dev)
configure_package_config_file(cmake/kvstoreConfig.cmake.in ${PROJECT_BINARY_DIR}/kvstoreConfig.cmake
                              INSTALL_DESTINATION ${cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kvstoreConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kvstoreConfig.cmake ${PROJECT_BINARY_DIR}/kvstoreConfigVersion.cmake
        DESTINATION ${cmake_dir} COMPONENT dev)

# pkg-config: paths relative to the .pc file, so the installed tree can move.
file(RELATIVE_PATH pc_to_prefix /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
set(pc_libs "-lkvstore -lpthread")
if(CMAKE_DL_LIBS)
  string(APPEND pc_libs " -l${CMAKE_DL_LIBS}")
endif()
set(pc_requires "")
if(KVSTORE_SYSTEM_SQLITE)
  set(pc_requires "Requires.private: sqlite3")
  set(pc_libs "${pc_libs} -lsqlite3")
else()
  set(pc_libs "${pc_libs} -lm")
endif()
configure_file(cmake/kvstore.pc.in ${PROJECT_BINARY_DIR}/kvstore.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/kvstore.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

include(cmake/package.cmake)
