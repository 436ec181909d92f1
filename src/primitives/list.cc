// Lists: element i of the list lives at sort key ListIndexKey(i) in the list's
// partition; the header has number = index of the first element and count =
// length. Push (PlanListPush) and pop are one transaction each: the header,
// on condition it is unchanged since read (so two pushers never take the
// same index) or for a pop that the popped elements are still the end, plus
// the elements written or deleted.
#include "kvstore/list.h"

#include <algorithm>
#include <optional>

#include "primitives/layout.h"
#include "primitives/retry.h"
#include "primitives/write_plans.h"
#include "storage/engine.h"
#include "storage/limits.h"
#include "util/random.h"

namespace kvstore {

using storage::Action;
using storage::Attr;
using storage::Condition;
using storage::Item;
using storage::WriteOp;

namespace {

constexpr size_t kPage = 1000;

struct Header {
  int64_t head = 0;     // index of the first element
  int64_t length = 0;
  std::optional<int64_t> version;  // empty when the list has no header yet
};

Header HeaderOf(const std::optional<Item>& item) {
  if (!item) return Header{};
  return Header{item->number.value_or(0), item->count.value_or(0), item->version};
}

Result<std::optional<Item>> ReadHeaderItem(const Table& table, std::string_view list) {
  auto item = table.engine().Get(table.name(), layout::ListHeaderKey(list));
  if (item.status().Is(Status::Code::kNotFound)) return std::optional<Item>();
  if (!item.ok()) return item.status();
  return std::optional<Item>(std::move(*item));
}

Result<Header> ReadHeader(const Table& table, std::string_view list) {
  auto item = ReadHeaderItem(table, list);
  if (!item.ok()) return item.status();
  return HeaderOf(*item);
}

// The header write, on condition nobody changed it since `read`; a new
// list's header gets `expires_at` when given.
WriteOp WriteHeader(std::string_view list, const Header& read, int64_t head, int64_t length,
                    std::optional<int64_t> expires_at = std::nullopt) {
  Condition unchanged =
      read.version ? Condition::Equals(Attr::kVersion, *read.version) : Condition::NotExists();
  std::vector<Action> actions = {Action::Set(Attr::kKind, std::string(layout::kKindList)),
                                 Action::Set(Attr::kNumber, head), Action::Set(Attr::kCount, length)};
  if (!read.version && expires_at) actions.push_back(Action::Set(Attr::kExpiresAt, *expires_at));
  return WriteOp::Update(layout::ListHeaderKey(list), std::move(actions), unchanged);
}

std::string EmptyList(std::string_view list) { return "list " + Quote(list) + " is empty"; }

Status ValidateList(std::string_view list) { return storage::ValidateName("list name", list); }

Result<size_t> PushChunk(const Table& table, std::string_view list, End end, const std::vector<std::string>& values,
                         std::optional<Millis> ttl) {
  return RetryOnConflict<size_t>(table.clock(), [&] { return "pushing to list " + Quote(list); },
                                 [&]() -> Result<std::optional<size_t>> {
    auto header = ReadHeaderItem(table, list);
    if (!header.ok()) return header.status();
    std::optional<int64_t> expires_at;
    if (ttl) expires_at = table.clock().NowMillis() + ttl->count();
    WritePlan plan = PlanListPush(list, *header, end, values, expires_at);
    auto done = table.engine().Transact(table.name(), plan.writes);
    if (!done.ok()) return done.status();
    if (!done->applied) return std::optional<size_t>();
    return std::optional<size_t>(static_cast<size_t>(plan.result));
  });
}

}  // namespace

WritePlan PlanListPush(std::string_view list, const std::optional<Item>& header_item, End end,
                       const std::vector<std::string>& values, std::optional<int64_t> new_list_expires_at) {
  Header header = HeaderOf(header_item);
  int64_t k = static_cast<int64_t>(values.size());
  bool front = end == End::kFront;
  std::optional<int64_t> expires_at = PartsExpiry(header_item, new_list_expires_at);
  WritePlan plan{.writes = {WriteHeader(list, header, front ? header.head - k : header.head, header.length + k,
                                        expires_at)},
                 .result = header.length + k};
  for (int64_t j = 0; j < k; ++j) {
    Item element;
    element.kind = std::string(layout::kKindElement);
    element.owner = layout::NewElementToken(RandomU64());
    element.value = values[static_cast<size_t>(j)];
    element.expires_at = expires_at;
    element.key = layout::ListElementKey(list, front ? header.head - 1 - j : header.head + header.length + j);
    plan.writes.push_back(WriteOp::Put(std::move(element), Condition::NotExists()));
  }
  return plan;
}

Result<size_t> Lists::Push(std::string_view list, End end, const std::vector<std::string>& values,
                           const PushValuesOptions& options) {
  KVSTORE_RETURN_IF_ERROR(ValidateList(list));
  if (values.empty()) return Status::InvalidArgument("give at least one value");
  if (options.ttl) KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", *options.ttl));
  for (const std::string& v : values) KVSTORE_RETURN_IF_ERROR(storage::ValidateValue("value", v));
  size_t length = 0;
  for (size_t start = 0; start < values.size(); start += kMaxAtomicValues) {
    std::vector<std::string> chunk(values.begin() + start, values.begin() + std::min(values.size(), start + kMaxAtomicValues));
    auto n = PushChunk(table_, list, end, chunk, options.ttl);
    if (!n.ok()) return n.status();
    length = *n;
  }
  return length;
}

// A pop reads the end's elements (one Query, no header read) and deletes
// them in one transaction with the header's update. Each element is deleted
// on condition it is still the one read, by its token (so two poppers never
// both take it, even after its index was popped and pushed again), and the
// transaction checks that they are still the end: from the front, the
// header's head is the first one read; from the back, nothing was pushed
// after the last one read. The header's head and length change by adding,
// so concurrent pushes at the other end stay counted.
Result<std::vector<std::string>> Lists::Pop(std::string_view list, End end, size_t count) {
  KVSTORE_RETURN_IF_ERROR(ValidateList(list));
  if (count == 0 || count > kMaxAtomicValues) {
    return Status::InvalidArgument("count must be from 1 to " + std::to_string(kMaxAtomicValues));
  }
  using Values = std::vector<std::string>;
  bool front = end == End::kFront;
  return RetryOnConflict<Values>(table_.clock(), [&] { return "popping from list " + Quote(list); },
                                 [&]() -> Result<std::optional<Values>> {
    auto page = table_.engine().Query(table_.name(), {.partition = layout::ListPartition(list), .limit = count,
                                                      .descending = !front});
    if (!page.ok()) return page.status();
    if (page->items.empty()) return Status::NotFound(EmptyList(list));
    std::optional<int64_t> end_index = layout::ListIndexOf(page->items.front().key.sort);
    if (!end_index) return Status::IoError("list " + Quote(list) + " holds an element kvstore did not write");
    auto k = static_cast<int64_t>(page->items.size());
    Condition holds_them = Condition::Compare(Attr::kCount, storage::CompareOp::kGe, k);
    std::vector<WriteOp> ops;
    if (front) {
      ops.push_back(WriteOp::Update(layout::ListHeaderKey(list), {Action::Add(Attr::kNumber, k), Action::Add(Attr::kCount, -k)},
                                    Condition::AllOf({Condition::Equals(Attr::kNumber, *end_index), holds_them})));
    } else {
      ops.push_back(WriteOp::Update(layout::ListHeaderKey(list), {Action::Add(Attr::kCount, -k)}, holds_them));
      ops.push_back(WriteOp::Check(layout::ListElementKey(list, *end_index + 1), Condition::NotExists()));
    }
    Values values;
    for (const Item& element : page->items) {
      // Elements written before tokens (kvstore 0.3) have none; a new one
      // at their index always has one.
      Condition same = element.owner ? Condition::Equals(Attr::kOwner, *element.owner) : Condition::AttrNotExists(Attr::kOwner);
      ops.push_back(WriteOp::Delete(element.key, Condition::AllOf({Condition::Exists(), same})));
      values.push_back(element.value.value_or(""));
    }
    auto done = table_.engine().Transact(table_.name(), ops);
    if (!done.ok()) return done.status();
    if (!done->applied) return std::optional<Values>();
    return std::optional<Values>(std::move(values));
  });
}

Result<std::vector<std::string>> Lists::Range(std::string_view list, int64_t start, int64_t stop) {
  KVSTORE_RETURN_IF_ERROR(ValidateList(list));
  auto header = ReadHeader(table_, list);
  if (!header.ok()) return header.status();
  int64_t n = header->length;
  if (start < 0) start = std::max<int64_t>(start + n, 0);
  if (stop < 0) stop += n;
  stop = std::min(stop, n - 1);
  std::vector<std::string> values;
  if (start > stop) return values;
  storage::QueryRequest request{.partition = layout::ListPartition(list),
                                .after = layout::ListIndexKey(header->head + start - 1),
                                .before = layout::ListIndexKey(header->head + stop + 1)};
  while (true) {
    request.limit = std::min<size_t>(kPage, static_cast<size_t>(stop - start + 1) - values.size());
    auto page = table_.engine().Query(table_.name(), request);
    if (!page.ok()) return page.status();
    for (const Item& element : page->items) values.push_back(element.value.value_or(""));
    if (!page->continue_from || values.size() >= static_cast<size_t>(stop - start + 1)) return values;
    request.after = page->continue_from;
  }
}

Result<size_t> Lists::Length(std::string_view list) {
  KVSTORE_RETURN_IF_ERROR(ValidateList(list));
  auto header = ReadHeader(table_, list);
  if (!header.ok()) return header.status();
  return static_cast<size_t>(header->length);
}

}  // namespace kvstore
