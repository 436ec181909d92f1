#include "storage/sqlite/checksum.h"

#include <cstdint>
#include <cstring>

#include "storage/sqlite/sqlite_db.h"

namespace kvstore::storage::sqlite {
namespace {

// A 64-bit multiply-rotate mix, 8 bytes at a time: not cryptographic (it
// guards against damage, not against someone rewriting the file), fast on a
// 256 KiB value, and any changed byte changes the result with near certainty.
class Sum {
 public:
  void Bytes(const unsigned char* data, size_t size) {
    Word(size);
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      uint64_t word;
      std::memcpy(&word, data + i, 8);
      Word(word);
    }
    uint64_t tail = 0;
    if (i < size) std::memcpy(&tail, data + i, size - i);  // an empty blob's data is null
    Word(tail);
  }
  void Word(uint64_t word) {
    state_ ^= word;
    state_ *= 0x9E3779B97F4A7C15ULL;
    state_ = (state_ << 29) | (state_ >> 35);
  }
  int64_t Result() const { return static_cast<int64_t>(state_ ^ (state_ >> 32)); }

 private:
  uint64_t state_ = 0x6B7673746F726531ULL;  // "kvstore1"
};

// Each column: its type, then its integer or its length and bytes, so that
// NULL, 0, "" and a moved boundary between columns all differ.
void KvSum(sqlite3_context* context, int argc, sqlite3_value** argv) {
  Sum sum;
  for (int i = 0; i < argc; ++i) {
    int type = sqlite3_value_type(argv[i]);
    sum.Word(static_cast<uint64_t>(type));
    if (type == SQLITE_INTEGER) {
      sum.Word(static_cast<uint64_t>(sqlite3_value_int64(argv[i])));
    } else if (type != SQLITE_NULL) {
      const auto* data = static_cast<const unsigned char*>(sqlite3_value_blob(argv[i]));
      sum.Bytes(data, static_cast<size_t>(sqlite3_value_bytes(argv[i])));
    }
  }
  sqlite3_result_int64(context, sum.Result());
}

}  // namespace

Status RegisterChecksum(sqlite3* db) {
  int rc = sqlite3_create_function(db, "kv_sum", 11, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                   KvSum, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : SqliteError(db, rc, "setting up checksums");
}

}  // namespace kvstore::storage::sqlite
