#include "scenarios/parse_context.h"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/core.h>
#include <fmt/format.h>

#include "model/plain_values.h"
#include "scenarios/suggest.h"
#include "scenarios/units.h"

namespace gtsim::scenarios {
namespace {

// How a node reads in a message: its text when it is a scalar, else its kind.
std::string describe(const YAML::Node& node) {
  if (node.IsScalar()) return fmt::format("'{}'", node.Scalar());
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

}  // namespace

SourcePos ParseContext::pos(const YAML::Mark& mark) const {
  if (mark.is_null()) return SourcePos{file_, 0, 0};
  return SourcePos{file_, mark.line + 1, mark.column + 1};
}

SourcePos ParseContext::pos(const YAML::Node& node) const {
  return pos(node.Mark());
}

void ParseContext::error(const SourcePos& pos, std::string message, std::string hint) {
  diagnostics_.push_back(Diagnostic{pos, std::move(message), std::move(hint)});
}

void ParseContext::fail(const SourcePos& pos, std::string message, std::string hint) {
  error(pos, std::move(message), std::move(hint));
  throw Bail{};
}

bool ParseContext::attempt(const std::function<void()>& unit) {
  try {
    unit();
    return true;
  } catch (const Bail&) {
    return false;
  }
}

std::string ParseContext::scalar(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar())
    fail(node, fmt::format("{} must be a single value, not {}", what, describe(node)));
  return node.Scalar();
}

std::string ParseContext::identifier(const YAML::Node& node, std::string_view what) {
  std::string text = scalar(node, what);
  const bool ok = !text.empty() && text.find_first_not_of(
                                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789-_") == std::string::npos;
  if (!ok) {
    fail(node, fmt::format("'{}' is not a valid {}", text, what),
         "use letters, digits, '-' and '_', e.g. us-east-1");
  }
  return text;
}

Micros ParseContext::duration(const YAML::Node& node, std::string_view what, bool allow_negative) {
  const std::string text = scalar(node, what);
  const auto micros = parse_duration(text);
  if (!micros) fail(node, fmt::format("'{}' is not a duration", text), kDurationHint);
  if (*micros < 0 && !allow_negative) {
    fail(node, fmt::format("{} cannot be negative ({})", what, text));
  }
  return *micros;
}

std::int64_t ParseContext::integer(const YAML::Node& node, std::string_view what, std::int64_t min,
                                   std::int64_t max) {
  const std::string text = scalar(node, what);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    fail(node, fmt::format("{} must be a whole number, not '{}'", what, text));
  }
  if (value < min || value > max) {
    fail(node, fmt::format("{} must be between {} and {}, not {}", what, min, max, value));
  }
  return value;
}

std::uint64_t ParseContext::unsigned_integer(const YAML::Node& node, std::string_view what) {
  const std::string text = scalar(node, what);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    fail(node, fmt::format("{} must be a whole number from 0 to {}, not '{}'", what,
                           std::numeric_limits<std::uint64_t>::max(), text));
  }
  return value;
}

double ParseContext::number(const YAML::Node& node, std::string_view what, double min, double max) {
  const std::string text = scalar(node, what);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    fail(node, fmt::format("{} must be a number, not '{}'", what, text));
  }
  if (value < min || value > max) {
    fail(node, fmt::format("{} must be between {} and {}, not {}", what, min, max, text));
  }
  return value;
}

bool ParseContext::boolean(const YAML::Node& node, std::string_view what) {
  const std::string text = scalar(node, what);
  if (text == "true") return true;
  if (text == "false") return false;
  fail(node, fmt::format("{} must be true or false, not '{}'", what, text));
}

double ParseContext::fraction(const YAML::Node& node, std::string_view what) {
  const std::string text = scalar(node, what);
  const auto value = parse_fraction(text);
  if (!value) fail(node, fmt::format("'{}' is not a valid {}", text, what), kFractionHint);
  return *value;
}

std::int64_t ParseContext::size(const YAML::Node& node, std::string_view what) {
  const std::string text = scalar(node, what);
  const auto value = parse_size(text);
  if (!value) fail(node, fmt::format("'{}' is not a valid {}", text, what), kSizeHint);
  return *value;
}

std::int64_t ParseContext::bandwidth(const YAML::Node& node, std::string_view what) {
  const std::string text = scalar(node, what);
  const auto value = parse_bandwidth(text);
  if (!value) fail(node, fmt::format("'{}' is not a valid {}", text, what), kBandwidthHint);
  return *value;
}

size_t ParseContext::choice(const YAML::Node& node, std::string_view what,
                            const std::vector<std::string>& names) {
  const std::string text = scalar(node, what);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return i;
  }
  fail(node, fmt::format("unknown {} '{}'", what, text), suggestion_hint(text, names));
}

std::vector<YAML::Node> ParseContext::one_or_many(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) return {node};
  if (node.IsSequence() && node.size() > 0)
    return std::vector<YAML::Node>(node.begin(), node.end());
  fail(node, fmt::format("{} must be a name or a non-empty list of names", what));
}

AttributeValue ParseContext::value(const YAML::Node& node) {
  try {
    return value_from_yaml(node);
  } catch (const YamlValueError& e) {
    fail(SourcePos{file_, e.line, e.column}, e.what());
  }
}

Item ParseContext::item(const YAML::Node& node) {
  try {
    return item_from_yaml(node);
  } catch (const YamlValueError& e) {
    fail(SourcePos{file_, e.line, e.column}, e.what());
  }
}

MapReader::MapReader(ParseContext& context, const YAML::Node& node, std::string what,
                     const std::vector<std::string>& allowed,
                     const std::vector<std::string>& elsewhere)
    : context_(context), node_(node), what_(std::move(what)) {
  if (!node.IsMap()) {
    context.fail(node, fmt::format("{} must be a map (key: value), not {}", what_, describe(node)));
  }
  for (const auto& kv : node) {
    const YAML::Node& key_node = kv.first;
    if (!key_node.IsScalar()) {
      context.error(key_node, fmt::format("keys of {} must be names", what_));
      continue;
    }
    const std::string& key = key_node.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      if (std::find(elsewhere.begin(), elsewhere.end(), key) != elsewhere.end()) {
        context.error(key_node, fmt::format("key '{}' does not apply to {}", key, what_),
                      fmt::format("valid keys here: {}", fmt::join(allowed, ", ")));
      } else if (auto match = closest_match(key, allowed);
                 match || !closest_match(key, elsewhere)) {
        context.error(key_node, fmt::format("unknown key '{}' in {}", key, what_),
                      suggestion_hint(key, allowed));
        if (match) suggested_.insert(*match);
      } else {
        context.error(key_node, fmt::format("unknown key '{}' in {}", key, what_),
                      fmt::format("did you mean '{}'? It does not apply here, though",
                                  *closest_match(key, elsewhere)));
      }
      continue;
    }
    if (entry(key) != nullptr) {
      context.error(key_node, fmt::format("duplicate key '{}' in {}", key, what_));
      continue;
    }
    entries_.push_back(Entry{key, key_node, kv.second});
  }
}

const MapReader::Entry* MapReader::entry(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const YAML::Node* MapReader::find(std::string_view key) const {
  const Entry* e = entry(key);
  return e == nullptr ? nullptr : &e->value;
}

const YAML::Node& MapReader::require(std::string_view key) const {
  const Entry* e = entry(key);
  if (e == nullptr) {
    // A misspelling of this key was already reported with this key as the hint.
    if (suggested_.contains(std::string(key))) throw Bail{};
    context_.fail(node_, fmt::format("{} needs the key '{}'", what_, key));
  }
  return e->value;
}

SourcePos MapReader::key_pos(std::string_view key) const {
  const Entry* e = entry(key);
  return context_.pos(e == nullptr ? node_ : e->key_node);
}

}  // namespace gtsim::scenarios
