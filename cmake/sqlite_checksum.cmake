# kvstore_check_sqlite_source(DIR): stops the configuration unless DIR's
# sqlite3.c and sqlite3.h are byte for byte the SQLite 3.54.1 amalgamation
# that cmake/sqlite-amalgamation.sha256 records (from the npm package
# better-sqlite3 13.2.0; scripts/fetch-sqlite.sh). A changed file there means
# a tampered or corrupt download, or a new version nobody has reviewed yet.
function(kvstore_check_sqlite_source dir)
  file(STRINGS "${PROJECT_SOURCE_DIR}/cmake/sqlite-amalgamation.sha256" lines)
  foreach(line IN LISTS lines)
    string(REGEX MATCH "^([0-9a-f]+)  (.+)$" matched "${line}")
    if(NOT matched)
      continue()
    endif()
    set(expected "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_2}")
    file(SHA256 "${dir}/${name}" actual)
    if(NOT actual STREQUAL expected)
      message(FATAL_ERROR "SQLite source ${dir}/${name} has SHA-256 ${actual}, not the pinned ${expected} "
                          "(cmake/sqlite-amalgamation.sha256). Delete ${dir} and run scripts/fetch-sqlite.sh again; "
                          "if a new SQLite is meant, review it and update the pinned sums.")
    endif()
  endforeach()
endfunction()
