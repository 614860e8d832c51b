// ItemState: everything a replica knows about one item, and what a change record ships.
//
// Replication in gtsim is state-based: a change record carries the item's whole state at its
// origin right after the write, and a receiver joins it into its own with the table's conflict
// policy. Joins are commutative, associative and idempotent, so replicas that have seen the same
// writes hold the same state whatever the delivery order, and resends change nothing.
//
// Thread-safety: value types, but reading a document held as text builds its tree in place
// (model/document.h says what that asks of threads sharing one).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "conflict/version.h"
#include "model/attribute_value.h"
#include "model/document.h"

namespace gtsim {

// One attribute under a per-attribute policy: its value (nullopt when removed) and the stamp of
// the write that set or removed it.
struct AttributeCell {
  std::optional<AttributeValue> value;
  LwwStamp stamp;
  bool operator==(const AttributeCell&) const = default;
};

struct ItemState {
  // The item as reads see it; nullopt for a tombstone (the item was deleted). A received item
  // may be held as its text, its tree built when first read.
  std::optional<Document> document;
  // lww: the winning write. lww-attribute: the highest-stamped write merged in.
  Version version;
  // Join of the version vectors of every write merged in.
  VersionVector history;
  // lww-attribute only: per-attribute cells, and the stamp of the last whole-item replacement (a
  // put or a delete), which hides every cell stamped below it.
  std::map<std::string, AttributeCell> cells;
  std::optional<LwwStamp> replaced;

  bool is_tombstone() const { return !document.has_value(); }
  // The document's attributes (built now if it was held as text); nullptr for a tombstone.
  const Item* document_tree() const { return document ? &document->tree() : nullptr; }
  bool operator==(const ItemState&) const = default;
};

// A copy of `state` without its document: all a policy that keeps whole documents needs to join
// two states (ConflictPolicy::keeps_whole_documents).
ItemState without_document(const ItemState& state);

// Readable JSON for SQLite columns and wire payloads:
// {"version": {"origin": "us-east-1", "seq": 7, "ts": 1700000000000000},
//  "history": {"us-east-1": 7}, "cells": {...}, "replaced": {...}} (document stored apart).
nlohmann::json version_to_json(const Version& version);
Version version_from_json(const nlohmann::json& json);
nlohmann::json stamp_to_json(const LwwStamp& stamp);
LwwStamp stamp_from_json(const nlohmann::json& json);
nlohmann::json history_to_json(const VersionVector& history);
VersionVector history_from_json(const nlohmann::json& json);

// The state's metadata (all but the document) and back. from_json throws DynamoError(kValidation)
// on malformed input, since it also reads what peers send.
nlohmann::json state_metadata_to_json(const ItemState& state);
// state_metadata_to_json(state).dump(), written directly (model/json_text.h says why).
std::string state_metadata_json_text(const ItemState& state);
ItemState state_from_json(const nlohmann::json& metadata, std::optional<Document> document);

// Reads the text state_metadata_json_text writes for a state without cells or a replaced stamp
// (every item under the lww policy) into `out`'s version and history, without a tree of JSON
// values: what state_from_json(nlohmann::json::parse(text), ...) reads from it. Returns false,
// leaving `out` as it was, for any other text, well formed or not.
bool read_plain_state_text(std::string_view text, ItemState& out);
// state_from_json(nlohmann::json::parse(text), document), through read_plain_state_text when it
// can. Throws what that throws.
ItemState state_from_json_text(std::string_view text, std::optional<Document> document);

}  // namespace gtsim
