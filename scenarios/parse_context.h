// ParseContext: the scenario parser's reading helpers over yaml-cpp nodes. Internal to the
// parser (scenarios/parser.h is the public entry point).
//
// Errors are collected, not thrown to the caller: a helper that meets a value it cannot use
// records a Diagnostic and throws Bail, which the parser catches at the nearest unit that can be
// skipped (a key, a step, a section), so that one run reports many independent errors.
//
// Thread-safety: one ParseContext per parse.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scenarios/diagnostic.h"
#include "scenarios/scenario.h"

namespace gtsim::scenarios {

// Thrown after a diagnostic has been recorded, to abandon the current unit.
struct Bail {};

class ParseContext {
 public:
  explicit ParseContext(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  SourcePos pos(const YAML::Node& node) const;
  SourcePos pos(const YAML::Mark& mark) const;

  void error(const SourcePos& pos, std::string message, std::string hint = "");
  void error(const YAML::Node& node, std::string message, std::string hint = "") {
    error(pos(node), std::move(message), std::move(hint));
  }
  [[noreturn]] void fail(const SourcePos& pos, std::string message, std::string hint = "");
  [[noreturn]] void fail(const YAML::Node& node, std::string message, std::string hint = "") {
    fail(pos(node), std::move(message), std::move(hint));
  }

  // Runs `unit`; a Bail from it is absorbed (its diagnostic is already recorded). Returns whether
  // the unit completed.
  bool attempt(const std::function<void()>& unit);

  size_t error_count() const { return diagnostics_.size(); }
  std::vector<Diagnostic> take_diagnostics() { return std::move(diagnostics_); }

  // Typed readers. Each fails with a positioned diagnostic and a hint when the node does not hold
  // the expected kind of value; `what` names the value in messages ("seed", "latency").
  std::string scalar(const YAML::Node& node, std::string_view what);
  // A non-empty string made of letters, digits, '-' and '_'.
  std::string identifier(const YAML::Node& node, std::string_view what);
  Micros duration(const YAML::Node& node, std::string_view what, bool allow_negative = false);
  std::int64_t integer(const YAML::Node& node, std::string_view what, std::int64_t min,
                       std::int64_t max);
  std::uint64_t unsigned_integer(const YAML::Node& node, std::string_view what);
  double number(const YAML::Node& node, std::string_view what, double min, double max);
  bool boolean(const YAML::Node& node, std::string_view what);
  double fraction(const YAML::Node& node, std::string_view what);
  std::int64_t size(const YAML::Node& node, std::string_view what);
  std::int64_t bandwidth(const YAML::Node& node, std::string_view what);
  // One of `names`, with a "did you mean" hint; returns its index.
  size_t choice(const YAML::Node& node, std::string_view what,
                const std::vector<std::string>& names);
  // A string or a sequence of strings.
  std::vector<YAML::Node> one_or_many(const YAML::Node& node, std::string_view what);
  // Plain YAML values (model/plain_values.h), positioned.
  AttributeValue value(const YAML::Node& node);
  Item item(const YAML::Node& node);

 private:
  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

// The entries of one YAML map, checked against the keys valid there. Construction fails unless
// the node is a map; it reports (without failing) each unknown key, with the closest valid key as
// a hint, and each duplicate key.
class MapReader {
 public:
  // `what` names the map in messages ("network", "a put step"). `elsewhere` are keys valid in
  // other kinds of the same map, reported as "does not apply here" rather than as unknown.
  MapReader(ParseContext& context, const YAML::Node& node, std::string what,
            const std::vector<std::string>& allowed,
            const std::vector<std::string>& elsewhere = {});

  const YAML::Node& node() const { return node_; }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  // The value of `key`, or nullptr when absent.
  const YAML::Node* find(std::string_view key) const;
  // The value of `key`; fails when absent (silently when an unknown key was reported as its
  // misspelling).
  const YAML::Node& require(std::string_view key) const;
  // Where `key` is written (falls back to the map), for errors about a null value.
  SourcePos key_pos(std::string_view key) const;

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  const Entry* entry(std::string_view key) const;

  ParseContext& context_;
  YAML::Node node_;
  std::string what_;
  std::vector<Entry> entries_;
  std::set<std::string> suggested_;  // keys offered as "did you mean" for unknown keys
};

}  // namespace gtsim::scenarios
