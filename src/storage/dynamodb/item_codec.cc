#include "storage/dynamodb/item_codec.h"

#include <charconv>

#include "util/base64.h"

namespace kvstore::storage::dynamodb {
namespace {

bool IsNumberAttr(Attr attr) {
  return attr == Attr::kNumber || attr == Attr::kDeadline || attr == Attr::kCount || attr == Attr::kExpiresAt ||
         attr == Attr::kVersion;
}

Json Number(int64_t n) { return {{"N", std::to_string(n)}}; }

// The attribute value of one of our attributes, or null when absent.
Json Encode(Attr attr, const AttrValue& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) return Number(*n);
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (attr == Attr::kValue) return {{"B", Base64Encode(*s)}};
    return {{"S", *s}};
  }
  return nullptr;
}

// DynamoDB's TTL works in seconds; round up so it never deletes early.
int64_t TtlSeconds(int64_t expires_at_ms) { return (expires_at_ms + 999) / 1000; }

// The leaves of nested groups of one kind: AllOf(a, AllOf(b, c)) -> a, b, c.
void Flatten(const Condition& c, Condition::Kind kind, std::vector<const Condition*>& terms) {
  for (const Condition& child : c.children) {
    if (child.kind == kind) {
      Flatten(child, kind, terms);
    } else {
      terms.push_back(&child);
    }
  }
}

// The condition on an item known to exist and be live.
std::string OnLiveItem(const Condition& c, Expressions& e) {
  using Kind = Condition::Kind;
  std::string sk = e.Name(kSortAttr);  // every item has one, whatever the layout
  switch (c.kind) {
    case Kind::kAlways:
    case Kind::kExists: return "attribute_exists(" + sk + ")";
    case Kind::kNotExists: return "attribute_not_exists(" + sk + ")";
    case Kind::kCompare: {
      std::string name = e.Name(AttrName(c.attr));
      std::string value = e.Value(Encode(c.attr, c.operand));
      std::string cmp = name + OperatorText(c.op) + value;
      // A missing attribute compares false, except for "not equal".
      return c.op == CompareOp::kNe ? "(attribute_not_exists(" + name + ") OR " + cmp + ")" : "(" + cmp + ")";
    }
    case Kind::kAttrExists: return "attribute_exists(" + e.Name(AttrName(c.attr)) + ")";
    case Kind::kAttrNotExists: return "attribute_not_exists(" + e.Name(AttrName(c.attr)) + ")";
    case Kind::kAnd:
    case Kind::kOr: {
      // DynamoDB refuses redundant parentheses, so a group of one is its
      // child and nested groups of the same kind are flattened.
      std::vector<const Condition*> terms;
      Flatten(c, c.kind, terms);
      if (terms.empty()) return OnLiveItem(c.kind == Kind::kAnd ? Condition::Always() : Condition::NotExists(), e);
      if (terms.size() == 1) return OnLiveItem(*terms[0], e);
      std::string out = "(";
      for (size_t i = 0; i < terms.size(); ++i) {
        if (i > 0) out += c.kind == Kind::kAnd ? " AND " : " OR ";
        out += OnLiveItem(*terms[i], e);
      }
      return out + ")";
    }
  }
  return "attribute_exists(" + sk + ")";
}

// The type of a DynamoDB attribute value ({"S": "x"} -> "S").
std::string TypeOf(const Json& value) {
  return value.is_object() && value.size() == 1 ? value.begin().key() : "?";
}

// Why another tool's item cannot be read as ours: WrongType, naming the
// attribute, so that `get` exits 2 and listings can skip just this item.
Status Unreadable(const Item& item, const char* attr, const std::string& found, const std::string& wanted) {
  return Status::WrongType("the item at pk '" + item.key.partition + "', sk '" + item.key.sort +
                           "' is not one kvstore can read: attribute '" + attr + "' is of type " + found +
                           ", kvstore reads " + wanted + " there");
}

}  // namespace

Json KeyJson(const Key& key, const TableLayout& layout) {
  return {{PartitionAttr(layout), {{"S", StoredPartition(key, layout)}}}, {kSortAttr, {{"S", key.sort}}}};
}

Json ItemJson(const Item& item, const TableLayout& layout) {
  Json out = KeyJson(item.key, layout);
  for (Attr attr : kAllAttrs) {
    Json v = Encode(attr, item.Get(attr));
    if (!v.is_null()) out[AttrName(attr)] = v;
  }
  if (item.expires_at) out[kTtlAttr] = Number(TtlSeconds(*item.expires_at));
  return out;
}

Result<Item> ItemFromJson(const Json& attributes, const TableLayout& layout) {
  if (!attributes.is_object()) return Status::IoError("unexpected item from DynamoDB: not an attribute map");
  Item item;
  const std::string partition_attr = PartitionAttr(layout);
  for (const auto& [name, field] : {std::pair{partition_attr.c_str(), &item.key.partition}, std::pair{kSortAttr, &item.key.sort}}) {
    if (!attributes.contains(name) || !attributes[name].contains("S") || !attributes[name]["S"].is_string()) {
      return Status::IoError(std::string("unexpected item from DynamoDB: no string ") + name);
    }
    *field = attributes[name]["S"].get<std::string>();
  }
  item.key.partition = LogicalPartition(item.key.partition, layout);
  for (Attr attr : kAllAttrs) {
    const char* name = AttrName(attr);
    if (!attributes.contains(name)) continue;
    const Json& v = attributes[name];
    if (IsNumberAttr(attr)) {
      if (!v.contains("N") || !v["N"].is_string()) return Unreadable(item, name, TypeOf(v), "a number (N)");
      const std::string& text = v["N"].get_ref<const std::string&>();
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        return Unreadable(item, name, "N '" + text.substr(0, 40) + "'", "a 64-bit integer");
      }
      item.Set(attr, n);
    } else if (attr == Attr::kValue && v.contains("S") && v["S"].is_string()) {
      item.Set(attr, v["S"].get<std::string>());  // written by another tool: its UTF-8 bytes
    } else if (attr == Attr::kValue) {
      if (!v.contains("B") || !v["B"].is_string()) return Unreadable(item, name, TypeOf(v), "binary (B) or a string (S)");
      auto bytes = Base64Decode(v["B"].get<std::string>());
      if (!bytes) return Status::IoError("unexpected item from DynamoDB: value is not base64");
      item.Set(attr, *bytes);
    } else {
      if (!v.contains("S") || !v["S"].is_string()) return Unreadable(item, name, TypeOf(v), "a string (S)");
      item.Set(attr, v["S"].get<std::string>());
    }
  }
  return item;
}

std::string Expressions::Name(const std::string& attribute) {
  auto it = names_.find(attribute);
  if (it != names_.end()) return it->second;
  std::string placeholder = "#a" + std::to_string(names_.size());
  names_.emplace(attribute, placeholder);
  return placeholder;
}

std::string Expressions::Value(Json attribute_value) {
  values_.push_back(std::move(attribute_value));
  return ":v" + std::to_string(values_.size() - 1);
}

void Expressions::AddTo(Json& request) const {
  if (!names_.empty()) {
    Json names = Json::object();
    for (const auto& [attribute, placeholder] : names_) names[placeholder] = attribute;
    request["ExpressionAttributeNames"] = names;
  }
  if (!values_.empty()) {
    Json values = Json::object();
    for (size_t i = 0; i < values_.size(); ++i) values[":v" + std::to_string(i)] = values_[i];
    request["ExpressionAttributeValues"] = values;
  }
}

std::string WriteCondition(const Condition& condition, int64_t now, Expressions& e) {
  std::string key = e.Name(kSortAttr);  // every item has one, whatever the layout
  std::string expires = e.Name(AttrName(Attr::kExpiresAt));
  std::string now_value = e.Value(Number(now));
  std::string live = "(attribute_not_exists(" + expires + ") OR " + expires + " > " + now_value + ")";
  std::string on_live = OnLiveItem(condition, e);
  // An expired item must fail every condition so that the engine removes it
  // and retries: its stale attributes must not leak into the new item.
  if (condition.HoldsWhenAbsent()) return "(attribute_not_exists(" + key + ") OR (" + live + " AND " + on_live + "))";
  return "(attribute_exists(" + key + ") AND " + live + " AND " + on_live + ")";
}

std::string UpdateExpression(const std::vector<Action>& actions, Expressions& e) {
  std::vector<std::string> sets, removes;
  for (const Action& a : actions) {
    std::string name = e.Name(AttrName(a.attr));
    switch (a.op) {
      case Action::Op::kSet:
      case Action::Op::kSetIfAbsent: {
        // if_not_exists(#a, :v): the attribute's own value when it has one.
        auto set = [&](const std::string& attr, const std::string& value) {
          sets.push_back(attr + " = " + (a.op == Action::Op::kSet ? value : "if_not_exists(" + attr + ", " + value + ")"));
        };
        set(name, e.Value(Encode(a.attr, a.value)));
        if (a.attr == Attr::kExpiresAt) {
          const int64_t* ms = std::get_if<int64_t>(&a.value);
          set(e.Name(kTtlAttr), e.Value(Number(ms ? TtlSeconds(*ms) : 0)));
        }
        break;
      }
      case Action::Op::kAdd: {
        std::string zero = e.Value(Number(0));
        std::string delta = e.Value(Encode(a.attr, a.value));
        sets.push_back(name + " = if_not_exists(" + name + ", " + zero + ") + " + delta);
        break;
      }
      case Action::Op::kRemove:
        removes.push_back(name);
        if (a.attr == Attr::kExpiresAt) removes.push_back(e.Name(kTtlAttr));
        break;
    }
  }
  std::string version = e.Name(AttrName(Attr::kVersion));
  std::string zero = e.Value(Number(0));
  std::string one = e.Value(Number(1));
  sets.push_back(version + " = if_not_exists(" + version + ", " + zero + ") + " + one);
  std::string out = "SET ";
  for (size_t i = 0; i < sets.size(); ++i) out += (i ? ", " : "") + sets[i];
  if (!removes.empty()) {
    out += " REMOVE ";
    for (size_t i = 0; i < removes.size(); ++i) out += (i ? ", " : "") + removes[i];
  }
  return out;
}

std::string ReplaceExpression(const Item& item, Expressions& e) {
  std::vector<Action> actions;
  for (Attr attr : kAllAttrs) {
    if (attr == Attr::kVersion) continue;
    AttrValue v = item.Get(attr);
    actions.push_back(std::holds_alternative<std::monostate>(v) ? Action::Remove(attr) : Action::Set(attr, v));
  }
  return UpdateExpression(actions, e);
}

bool IsExpired(const Item& item, int64_t now) { return item.expires_at && *item.expires_at <= now; }

}  // namespace kvstore::storage::dynamodb
