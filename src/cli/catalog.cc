// Reading the declared commands back (catalog.h), the documented variables
// and exit codes, and the "did you mean" distance.
#include "cli/catalog.h"

#include <algorithm>

namespace kvstore::cli {

const std::vector<Entry> kEnvironment = {
    {"KVSTORE_STORE", "the store URL when --store is not given"},
    {"KVSTORE_TABLE_PREFIX", "DynamoDB: prefix of every table name when --table-prefix is not given"},
    {"KVSTORE_MAX_CLOCK_SKEW", "seconds machines sharing a store may disagree on the time (default: 1 on DynamoDB)"},
    {"KVSTORE_TIMEOUT", "most seconds a command may spend on the store when --timeout is not given (default 15)"},
    {"KVSTORE_DYNAMODB_TIMEOUT", "seconds each DynamoDB request may take (default 5)"},
    {"XDG_DATA_HOME", "where the default store lives: $XDG_DATA_HOME/kvstore/kvstore.db"},
    {"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN", "DynamoDB credentials"},
    {"AWS_PROFILE", "the profile of the AWS files to read when --profile is not given (default: default)"},
    {"AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN", "web identity credentials from STS (EKS IRSA, GitHub Actions OIDC)"},
    {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI", "credentials of an ECS task or EKS pod"},
    {"AWS_EC2_METADATA_DISABLED", "true: do not ask EC2's instance metadata for credentials"},
    {"AWS_ENDPOINT_URL_STS", "an STS endpoint other than the region's"},
    {"HTTPS_PROXY, HTTP_PROXY, NO_PROXY", "the proxy for https:// and http:// endpoints, and the hosts that go direct"},
    {"AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE", "the AWS files (default: ~/.aws/credentials, ~/.aws/config)"},
    {"AWS_REGION, AWS_DEFAULT_REGION", "DynamoDB's region when --region is not given (default: the profile's, then us-east-1)"},
    {"AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL", "a DynamoDB endpoint other than AWS's"},
    {"AWS_CA_BUNDLE", "PEM file of the certificates that HTTPS endpoints are verified against"},
    {"KVSTORE_LOCK_TOKEN, KVSTORE_LOCK_OWNER", "set by lock-run for its command: the fencing token and owner"},
};

const std::vector<Entry> kExitCodes = {
    {"0", "done, or yes"},
    {"1", "a negative answer: what the command's help says (key missing, lock held, queue empty...)"},
    {"2", "bad usage or input: unknown command or flag, bad name or value, unknown table; nothing changed"},
    {"3", "the store failed: cannot be opened or written, DynamoDB unreachable or refusing, lease lost"},
};

namespace {

bool IsHelp(const CLI::Option* opt, const CLI::App& app) { return opt == app.get_help_ptr(); }

FlagSpec FlagOf(const CLI::Option& opt) {
  FlagSpec flag;
  for (const std::string& s : opt.get_snames()) flag.names.push_back("-" + s);
  for (const std::string& l : opt.get_lnames()) flag.names.push_back("--" + l);
  if (opt.get_type_size() > 0) flag.placeholder = opt.get_type_name();
  flag.help = opt.get_description();
  flag.required = opt.get_required();
  return flag;
}

std::vector<FlagSpec> FlagsOf(const CLI::App& app) {
  std::vector<FlagSpec> flags;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->nonpositional() && !IsHelp(opt, app)) flags.push_back(FlagOf(*opt));
  }
  return flags;
}

FlagSpec HelpFlag() { return {{"-h", "--help"}, "", "print this help", false}; }

}  // namespace

CommandSpec Describe(std::string_view name, const CommandDoc& doc, const CLI::App& declared) {
  CommandSpec spec{name, doc, {}, FlagsOf(declared)};
  for (const CLI::Option* opt : declared.get_options()) {
    if (opt->nonpositional() || !opt->get_positional()) continue;
    spec.args.push_back({opt->get_name(true), opt->get_description(), opt->get_required(),
                         opt->get_items_expected_max() > 1});
  }
  spec.flags.push_back(HelpFlag());
  return spec;
}

std::vector<CommandSpec> Catalog(const CommandSet& commands) {
  std::vector<CommandSpec> catalog;
  for (std::string_view name : commands.names()) {
    const CLI::App* declared = commands.Declared(name);
    if (name.starts_with("__") || !declared) continue;
    catalog.push_back(Describe(name, *commands.Doc(name), *declared));
  }
  return catalog;
}

std::vector<std::string> CommandNames(const CommandSet& commands) {
  std::vector<std::string> names;
  for (std::string_view name : commands.names()) {
    if (!name.starts_with("__")) names.emplace_back(name);
  }
  return names;
}

Status UnknownCommand(std::string_view word, const CommandSet& commands) {
  std::string closest = ClosestMatch(word, CommandNames(commands));
  return Status::InvalidArgument("unknown command '" + std::string(word) + "'" +
                                 (closest.empty() ? "" : "; did you mean " + closest + "?") + " (see kvstore help)");
}

std::vector<FlagSpec> GlobalFlagSpecs(const CLI::App& app) {
  std::vector<FlagSpec> flags = FlagsOf(app);
  flags.push_back(HelpFlag());
  return flags;
}

std::string FlagText(const FlagSpec& flag) {
  std::string text;
  for (const std::string& name : flag.names) text += (text.empty() ? "" : ", ") + name;
  if (!flag.placeholder.empty()) text += " " + flag.placeholder;
  return text;
}

std::string UsageLine(const CommandSpec& command) {
  std::string line = "kvstore " + std::string(command.name);
  for (const ArgSpec& arg : command.args) {
    std::string word = arg.name + (arg.repeated ? "..." : "");
    line += " " + (arg.required ? word : "[" + word + "]");
  }
  for (const FlagSpec& flag : command.flags) {
    if (flag.names.back() == "--help") continue;
    std::string word = flag.names.back() + (flag.placeholder.empty() ? "" : " " + flag.placeholder);
    line += " " + (flag.required ? word : "[" + word + "]");
  }
  return line;
}

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of two neighbours ("gte" is one step from "get").
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  // Close enough: a third of the word's letters wrong, at least 1 and at most 3.
  size_t best_distance = std::clamp<size_t>(word.size() / 3, 1, 3) + 1;
  std::string best;
  for (const std::string& candidate : candidates) {
    size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  // A prefix of exactly one candidate ("lock-acq") is clear too.
  if (best.empty() && word.size() >= 3) {
    for (const std::string& candidate : candidates) {
      if (!candidate.starts_with(word)) continue;
      if (!best.empty()) return "";
      best = candidate;
    }
  }
  return best;
}

}  // namespace kvstore::cli
