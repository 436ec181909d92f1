#include "cli/fence_flags.h"

namespace kvstore::cli {

void AddFenceFlags(CLI::App& cmd, FenceFlags& flags) {
  cmd.add_option("--if-lock", flags.if_lock, "write only while LOCK is held with this fencing TOKEN")
      ->type_name("LOCK:TOKEN");
  cmd.add_option("--if-leader", flags.if_leader, "write only while GROUP's leader is of this TERM")
      ->type_name("GROUP:TERM");
}

Result<Fences> ParseFences(const FenceFlags& flags) {
  Fences fences;
  auto parse_all = [&](Fence::Holder holder, const std::vector<std::string>& texts) -> Status {
    for (const std::string& text : texts) {
      auto fence = ParseFence(holder, text);
      if (!fence.ok()) return Status::InvalidArgument("--" + fence.status().message());
      fences.push_back(std::move(*fence));
    }
    return Status::Ok();
  };
  KVSTORE_RETURN_IF_ERROR(parse_all(Fence::Holder::kLock, flags.if_lock));
  KVSTORE_RETURN_IF_ERROR(parse_all(Fence::Holder::kLeader, flags.if_leader));
  return fences;
}

}  // namespace kvstore::cli
