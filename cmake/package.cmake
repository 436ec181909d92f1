# The Debian packages (scripts/package.sh runs `cpack -G DEB`). CPack takes
# both synopses from the project's description; the texts below follow it.
#   kvstore      the binary, man page and completions; depends only on what
#                the binary loads (dpkg-shlibdeps), recommends libssl3 for
#                https:// DynamoDB endpoints (loaded with dlopen when used)
#   kvstore-dev  headers, static library, CMake package and pkg-config file
set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc)
foreach(component runtime dev)
  set(package kvstore)
  if(component STREQUAL "dev")
    set(package kvstore-dev)
  endif()
  install(FILES packaging/copyright DESTINATION ${doc_dir}/${package} COMPONENT ${component})
  install(FILES ${PROJECT_BINARY_DIR}/changelog.gz DESTINATION ${doc_dir}/${package} COMPONENT ${component})
endforeach()

# A native package's changelog: one entry for this version, dated by the
# commit built (SOURCE_DATE_EPOCH when set), so two builds of one commit match.
if(DEFINED ENV{SOURCE_DATE_EPOCH})
  set(changelog_epoch $ENV{SOURCE_DATE_EPOCH})
else()
  execute_process(COMMAND git -C ${PROJECT_SOURCE_DIR} log -1 --format=%ct OUTPUT_VARIABLE changelog_epoch
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(NOT changelog_epoch)
  set(changelog_epoch 0)
endif()
execute_process(COMMAND date -u -R -d @${changelog_epoch} OUTPUT_VARIABLE changelog_date OUTPUT_STRIP_TRAILING_WHITESPACE)
set(KVSTORE_MAINTAINER "kvstore developers <kvstore@users.noreply.github.com>")
file(WRITE ${PROJECT_BINARY_DIR}/changelog
     "kvstore (${PROJECT_VERSION}) unstable; urgency=medium\n\n"
     "  * Release ${PROJECT_VERSION}; CHANGELOG.md says what changed and how to upgrade.\n\n"
     " -- ${KVSTORE_MAINTAINER}  ${changelog_date}\n")
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/changelog.gz
                   COMMAND gzip -9nf < ${PROJECT_BINARY_DIR}/changelog > ${PROJECT_BINARY_DIR}/changelog.gz
                   DEPENDS ${PROJECT_BINARY_DIR}/changelog)
add_custom_target(kvstore_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/changelog.gz)

set(CPACK_PACKAGE_NAME kvstore)
set(CPACK_PACKAGE_VENDOR "kvstore developers")
set(CPACK_PACKAGE_CONTACT "${KVSTORE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_COMPONENTS_ALL runtime dev)
# The binary ships without its debug information; the static library keeps
# its symbols (stripping those would make it unusable).
set(CPACK_STRIP_FILES ${CMAKE_INSTALL_BINDIR}/kvstore)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME kvstore)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "libssl3")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "kvstore gives scripts keys with TTL and conditional writes, atomic counters,
leased locks with fencing tokens, work queues with visibility timeouts and
dead-letter queues, leader election, sets, lists, transactions, batch
operations and queries, on an embedded SQLite file or on Amazon DynamoDB.")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME kvstore-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_DESCRIPTION
    "The development files of kvstore's C++ library: the static library,
headers, CMake package (find_package(kvstore)) and pkg-config file. kvstore
offers keys with TTL, counters, leased locks, queues, leader election, sets,
lists and transactions on SQLite or Amazon DynamoDB.")
include(CPack)
