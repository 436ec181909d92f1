#!/bin/sh
# The grep-able security rules of ARCHITECTURE.md ("Security rules"). Prints
# every line that breaks one and fails; silent and 0 when all hold.
cd "$(dirname "$0")/../.." || exit 2
fail=0
broken() { echo "source_rules: $1" >&2; fail=1; }

# 1. SQL text is built only from fixed C strings: SqlBuilder::Add takes a
#    const char*, so input could only get in through .c_str() or .data().
grep -n 'Add([^;]*\(c_str\|data\)()' src/storage/sql/*.cc src/storage/sql/*.h src/storage/sqlite/*.cc src/storage/sqlite/*.h && broken "SQL text from a string"
# 2. Only the statement cache and the fixed schema/pragma/maintenance code hand
#    SQL to SQLite, and that code only literals.
grep -rln 'sqlite3_prepare\|sqlite3_exec' src | grep -v -e 'src/storage/sqlite/statement.cc' \
  -e 'src/storage/sqlite/sqlite_db.cc' -e 'src/storage/sqlite/maintenance.cc' &&
  broken "SQL handed to SQLite outside statement.cc, sqlite_db.cc and maintenance.cc"
grep -n 'OneOff [a-z_]*(db, *[^"k ]\|Exec([a-z]*, [^"k]' src/storage/sqlite/sqlite_db.cc src/storage/sqlite/maintenance.cc &&
  broken "SQL text that is neither a literal nor a kConstant"
# 3. Certificates are always verified: nothing turns the checks off.
grep -rn -i 'VERIFYPEER, *0\|VERIFYHOST, *0\|insecure\|no-verify\|no_verify' src && broken "a way to skip certificate checks"
# 4. Credentials are never formatted into output: the secret key and session
#    token appear only where they are read (the credential chain and the
#    services it asks, which also sign STS requests and cache the answers)
#    and where SigV4 uses them.
grep -rn 'secret_access_key\|session_token' src | grep -v -e 'src/storage/dynamodb/aws_config' -e 'src/storage/dynamodb/sigv4' \
  -e 'src/storage/dynamodb/dynamo_client.cc' -e 'src/storage/dynamodb/credential_chain' \
  -e 'src/storage/dynamodb/credential_services' && broken "credentials used outside configuration and signing"
exit $fail
