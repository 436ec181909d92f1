# Writes OUTPUT (a header defining KVSTORE_BUILD_COMMIT) from the git commit
# of SOURCE_DIR, run at every build; the file is rewritten only when the
# commit changes, so an unchanged tree rebuilds nothing. COMMIT, when given
# (packagers building from a tarball), wins; with neither, it is "".
if(NOT COMMIT)
  execute_process(COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12 --exclude=*
                  OUTPUT_VARIABLE COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
  if(failed)
    set(COMMIT "")
  endif()
endif()
set(text "#define KVSTORE_BUILD_COMMIT \"${COMMIT}\"\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
