// The engines a store URL can name: one row per scheme. Store::Open and
// ParseStoreUrl look schemes up here and nowhere else, so adding an engine is
// adding its folder under src/storage/ and one row in engine_table.cc.
#ifndef KVSTORE_ENGINE_TABLE_H_
#define KVSTORE_ENGINE_TABLE_H_

#include <memory>
#include <string_view>

#include "kvstore/clock.h"
#include "kvstore/options.h"
#include "kvstore/status.h"
#include "storage/engine.h"
#include "store_url.h"

namespace kvstore {

struct EngineEntry {
  std::string_view scheme;
  // The URL forms it takes, for messages: "sqlite:PATH or a file path".
  std::string_view forms;
  // How far apart the clocks of its users may be by default (leases judge
  // expiry with this allowance; OpenOptions::max_clock_skew overrides it).
  Millis default_clock_skew;
  // Whether it accepts the rest of a parsed URL (path, endpoint, options).
  // Pure: no I/O. `text` is the URL as given, for messages.
  Status (*check)(const StoreUrl& url, std::string_view text);
  // Opens the store the URL names.
  Result<std::unique_ptr<storage::Engine>> (*open)(const StoreUrl& url, const OpenOptions& options,
                                                   std::shared_ptr<Clock> clock);
};

// The row for `scheme`, or null when no engine has it.
const EngineEntry* FindEngine(std::string_view scheme);

}  // namespace kvstore

#endif  // KVSTORE_ENGINE_TABLE_H_
