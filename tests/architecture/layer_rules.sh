#!/bin/sh
# The layer rules of ARCHITECTURE.md ("Layers"), checked on every #include in
# src/ and include/. Prints every include that breaks one and fails; silent
# and 0 when all hold.
cd "$(dirname "$0")/../.." || exit 2
fail=0

# includes FILES...: "file:line:header" for every project #include "..."
includes() { grep -Hn '^#include "' "$@" | sed 's/#include "\(.*\)".*/\1/'; }
# report WHAT GREP_MODE PATTERN FILES...: the includes of FILES that grep
# GREP_MODE (-E: matching, -vE: not matching) PATTERN selects break rule WHAT.
report() {
  what=$1 mode=$2 pattern=$3
  shift 3
  found=$(includes "$@" | grep $mode ":[0-9]+:($pattern)") || return 0
  echo "layer_rules: $what:" >&2
  echo "$found" | sed 's/^/  /' >&2
  fail=1
}
# refuse WHAT PATTERN FILES...: includes matching PATTERN break WHAT.
refuse() { what=$1 pattern=$2; shift 2; report "$what" -E "$pattern" "$@"; }
# allow WHAT PATTERN FILES...: includes not matching PATTERN break WHAT.
allow() { what=$1 pattern=$2; shift 2; report "$what" -vE "$pattern" "$@"; }

cli=$(find src/cli -name '*.cc' -o -name '*.h')
primitives=$(find src/primitives -name '*.cc' -o -name '*.h')
storage=$(find src/storage -name '*.cc' -o -name '*.h')
engines_sqlite=$(find src/storage/sqlite -name '*.cc' -o -name '*.h')
engines_dynamodb=$(find src/storage/dynamodb -name '*.cc' -o -name '*.h')
sql=$(find src/storage/sql -name '*.cc' -o -name '*.h')
util=$(find src/util -name '*.cc' -o -name '*.h')
public=$(find include/kvstore -name '*.h')

# The CLI calls the library: public headers, util/ and its own files only.
allow "the CLI includes only kvstore/, util/ and cli/ headers" '(cli|kvstore|util)/' $cli
# Primitives are written once against the storage interface, never an engine.
refuse "primitives include no engine and no CLI" 'storage/(sqlite|dynamodb|sql)/|cli/' $primitives
# The storage layer knows nothing above it: of the public headers only the
# vocabulary (status, clock, options, limits, store_stats, maintenance), no primitive, CLI,
# store_url.h or engine table.
allow "storage includes only storage/, util/ and kvstore/ status, clock, options, limits, store_stats, maintenance" \
  'storage/|util/|kvstore/(status|clock|options|limits|store_stats|maintenance)\.h' $storage
# Engines do not know each other; SQL compilation knows no engine.
refuse "the sqlite engine includes no other engine" 'storage/dynamodb/' $engines_sqlite
refuse "the dynamodb engine includes no other engine" 'storage/(sqlite|sql)/' $engines_dynamodb
refuse "storage/sql is engine-neutral" 'storage/(sqlite|dynamodb)/' $sql
# util/ is the bottom: it includes only itself.
allow "util/ includes only util/" 'util/' $util
# Public headers name only public headers.
allow "public headers include only kvstore/ headers" 'kvstore/' $public
if grep -Hn '^#include <\(sqlite3\|curl/\|nlohmann/\|CLI/\)' $public >&2; then
  echo "layer_rules: a public header includes a dependency's header" >&2
  fail=1
fi
exit $fail
