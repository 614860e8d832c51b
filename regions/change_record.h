// ChangeRecord: one locally-originated write as it travels to the other regions.
//
// It carries the item's whole state at the origin right after the write (see
// conflict/item_state.h: replication is state-based), plus what the stream and the reports need:
// the event as the origin saw it and when it committed in true time. Not the image the write
// replaced: a receiver's stream records the image it replaces there, so it would only be shipped,
// encoded and decoded for nothing.
//
// Thread-safety: value type.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "conflict/item_state.h"
#include "model/key_schema.h"

namespace gtsim {

// DynamoDB Streams' event names.
enum class StreamEvent { kInsert, kModify, kRemove };
const char* stream_event_name(StreamEvent event);  // "INSERT", "MODIFY", "REMOVE"
// Throws DynamoError(kValidation) for an unknown name.
StreamEvent stream_event_from_name(const std::string& name);

// A record's key, state metadata and new image as the JSON text item_json_text and
// state_metadata_json_text write them: the form the stream, the item row and the wire all hold.
struct ChangeTexts {
  std::string key;
  std::string state;
  std::optional<std::string> new_image;  // none for a tombstone
};

struct ChangeRecord {
  std::string table;
  Key key;
  StreamEvent event = StreamEvent::kInsert;
  // The write itself.
  Version version;
  // The item's state at the origin after the write. Its version is the item's winner, which is
  // not `version` when the write lost at once at home (wallclock timestamps under skew).
  ItemState state;
  // The version the write overwrote at its origin, for lost-write analysis.
  std::optional<VersionId> overwrote;
  int64_t commit_true_us = 0;
  // The texts of `key` and `state`, kept by whoever encoded the record or decoded it from them
  // (a write, the stream, the wire), so that the next row or message holding them copies them
  // instead of encoding the item again (the profile in docs/benchmarks.md). Optional: a record
  // without them is encoded where needed. Whoever changes `key` or `state` afterwards resets it.
  // Shared, since shippers copy records for each peer; not part of the record's value.
  std::shared_ptr<const ChangeTexts> texts;

  const VersionId& id() const { return version.id; }
  // Every field but `texts`.
  bool operator==(const ChangeRecord& other) const;
};

nlohmann::json change_record_to_json(const ChangeRecord& record);
// Throws DynamoError(kValidation) on malformed input (it reads what peers send).
ChangeRecord change_record_from_json(const nlohmann::json& json);

}  // namespace gtsim
