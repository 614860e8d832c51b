#include "regions/region.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "model/json_text.h"
#include "regions/checkpointer.h"
#include "regions/schema.h"
#include "regions/sqlite.h"

namespace gtsim {

using nlohmann::json;

// An item row as loaded from SQLite or about to be stored, but its key: every caller knows it.
struct Region::Stored {
  // Loaded with DocumentAs::kTextOnly, its document is left out: loaded_tombstone() says whether
  // the item is a tombstone.
  ItemState state;
  std::optional<int64_t> deleted_true_us;    // when it became a tombstone here
  std::optional<std::string> document_json;  // load(): the document's text as stored

  // Whether a loaded row is a tombstone, in either load mode.
  bool loaded_tombstone() const { return !document_json; }
  // When a tombstone stored over `current` (a loaded row, or none) became one here: the stored
  // tombstone's own time when it already was one, else `now_us`.
  static std::optional<int64_t> tombstone_since(const std::optional<Stored>& current,
                                                int64_t now_us) {
    return current && current->loaded_tombstone() ? current->deleted_true_us : now_us;
  }
};

// Statements on the hot paths, prepared once.
struct Region::Statements {
  explicit Statements(sql::Database& db)
      : load_item(db,
                  "SELECT document, state, deleted_true_us FROM items "
                  "WHERE table_name = ?1 AND pk = ?2 AND sk = ?3"),
        upsert_item(db, schema::kUpsertItem),
        insert_unstreamed(
            db,
            "INSERT INTO applied_unstreamed (origin, origin_seq, table_name, key, timestamp_us, "
            "commit_true_us, applied_true_us, classification, changed, lost_origin, "
            "lost_seq, lost_timestamp_us, resurrected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
            "?7, ?8, 0, ?9, ?10, ?11, ?12)"),
        upsert_cursor(db,
                      "INSERT INTO cursors (origin, applied_seq, updated_true_us) VALUES (?1, ?2, "
                      "?3) ON CONFLICT (origin) DO UPDATE SET applied_seq = ?2, "
                      "updated_true_us = ?3"),
        update_cursor(
            db, "UPDATE cursors SET applied_seq = ?2, updated_true_us = ?3 WHERE origin = ?1"),
        local_changes(db,
                      "SELECT table_name, key, event, new_image, shipped_state, "
                      "commit_true_us, overwrote_origin, overwrote_seq, origin, origin_seq, "
                      "timestamp_us FROM stream WHERE is_local = 1 "
                      "AND origin_seq > ?1 ORDER BY origin_seq LIMIT ?2"),
        select_purged(db,
                      "SELECT history FROM purged_tombstones WHERE table_name = ?1 AND pk = ?2 "
                      "AND sk = ?3") {}

  sql::Statement load_item;
  sql::Statement upsert_item;
  sql::Statement insert_unstreamed;
  sql::Statement upsert_cursor;
  sql::Statement update_cursor;  // for an origin whose row exists
  sql::Statement local_changes;
  sql::Statement select_purged;
};

namespace {

std::optional<std::string> document_text(const std::optional<Document>& document) {
  if (!document) return std::nullopt;
  return item_json_text(document->tree());
}

std::optional<Item> parse_document(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return item_from_stored_text(*text);
}

// DynamoDB orders sort keys by value: N numerically, S and B by bytes.
bool sort_key_less(const AttributeValue& a, const AttributeValue& b) {
  switch (a.type()) {
    case AttributeType::kN:
      return a.as_number() < b.as_number();
    case AttributeType::kB:
      return a.as_binary() < b.as_binary();
    default:
      return a.as_string() < b.as_string();
  }
}

StreamEvent event_for(const std::optional<std::string>& before,
                      const std::optional<std::string>& after) {
  if (!before) return after ? StreamEvent::kInsert : StreamEvent::kRemove;
  return after ? StreamEvent::kModify : StreamEvent::kRemove;
}

// Images are nullptr where there is no item.
std::optional<Item> return_image(ReturnValues which, const Item* old_image, const Item* new_image,
                                 const std::set<std::string>& touched) {
  auto whole = [](const Item* image) { return image ? std::optional(*image) : std::nullopt; };
  auto only_touched = [&](const Item* image) -> std::optional<Item> {
    if (!image) return std::nullopt;
    Item out;
    for (const auto& name : touched) {
      auto it = image->find(name);
      if (it != image->end()) out.emplace(*it);
    }
    return out;
  };
  switch (which) {
    case ReturnValues::kNone:
      return std::nullopt;
    case ReturnValues::kAllOld:
      return whole(old_image);
    case ReturnValues::kAllNew:
      return whole(new_image);
    case ReturnValues::kUpdatedOld:
      return only_touched(old_image);
    case ReturnValues::kUpdatedNew:
      return only_touched(new_image);
  }
  return std::nullopt;
}

[[noreturn]] void throw_condition_failed() {
  throw DynamoError(ErrorType::kConditionalCheckFailed, "The conditional request failed");
}

}  // namespace

// A change's key, images and version metadata as the JSON text the item row, the stream record
// and the apply log store: encoded once, not once per row (the profile in docs/benchmarks.md),
// and the old image is the text loaded, not encoded again.
struct Region::Encoded {
  Encoded(const Key& key, const std::optional<Stored>& current, const ItemState& next)
      : Encoded(
            std::make_shared<const ChangeTexts>(ChangeTexts{
                item_json_text(key), state_metadata_json_text(next), document_text(next.document)}),
            current) {}
  // The texts of a replicated record whose state won whole, or of a state whose texts are at
  // hand: shared, not encoded or copied again.
  Encoded(std::shared_ptr<const ChangeTexts> texts, const std::optional<Stored>& current)
      : texts(std::move(texts)), old_document(current ? current->document_json : std::nullopt) {}

  const std::string& key() const { return texts->key; }
  const std::optional<std::string>& new_document() const { return texts->new_image; }
  const std::string& metadata() const { return texts->state; }

  std::shared_ptr<const ChangeTexts> texts;
  std::optional<std::string> old_document;
};

// Local changes kept in memory for shippers: a peer keeping up reads its next batch from them, not
// from the stream (each peer asks after every write).
constexpr size_t kRecentLocalChanges = 1024;

Region::Region(std::unique_ptr<sql::Database> db, std::string name, RegionClock clock)
    : db_(std::move(db)),
      statements_(std::make_unique<Statements>(*db_)),
      name_(std::move(name)),
      clock_(std::move(clock)),
      stream_batch_(*db_) {}

Region::~Region() {
  // The last group commits while statements_, which its hook writes cursors with, still exists.
  if (db_->commits_in_groups()) db_->commit_group();
}

std::unique_ptr<Region> Region::open(const std::string& path, const std::string& name,
                                     const ClockSettings& clock, int64_t now_us, FileMode mode) {
  auto db = std::make_unique<sql::Database>(
      path, mode == FileMode::kPrivate ? sql::Residence::kMemory : sql::Residence::kFile);
  std::string stored_name = schema::prepare(*db, path, name, mode);
  if (stored_name != name) {
    throw DynamoError(ErrorType::kInternal, "region file " + path + " belongs to region " +
                                                stored_name + ", not " + name);
  }
  std::unique_ptr<Region> region(new Region(std::move(db), name, RegionClock(clock, now_us)));
  // A checkpoint on the region's own thread would stall everything it serves for its syncs. A
  // private file has no syncs to wait for, and admits no second connection to checkpoint it.
  if (mode == FileMode::kShared) {
    region->checkpointer_ = std::make_unique<sql::Checkpointer>(*region->db_, path);
  } else {
    region->db_->group_commits(kPrivateGroupSize, [r = region.get()] { r->save_moved_cursors(); });
  }
  sql::Statement tables(*region->db_, "SELECT spec FROM global_tables ORDER BY name");
  while (tables.step()) {
    TableSpec spec = table_spec_from_json(json::parse(tables.column_text(0)));
    region->tables_.emplace(spec.name, spec);
  }
  // Reads every item row: 30 ms for a file of 100,000 items (docs/benchmarks.md).
  sql::Statement keys(*region->db_, "SELECT table_name, pk, sk FROM items");
  while (keys.step()) {
    region->key_filter_.add(keys.column_text(0), keys.column_text(1), keys.column_text(2));
  }
  region->any_purged_tombstone_ =
      region->db_->query_int("SELECT EXISTS (SELECT 1 FROM purged_tombstones)") != 0;
  region->last_local_seq_ = static_cast<uint64_t>(region->db_->query_int(schema::kLastLocalSeq));
  region->last_stream_seq_ = static_cast<uint64_t>(region->db_->query_int(schema::kLastStreamSeq));
  sql::Statement cursors(*region->db_, "SELECT origin, applied_seq FROM cursors");
  while (cursors.step())
    region->cursors_.emplace(cursors.column_text(0), static_cast<uint64_t>(cursors.column_int(1)));
  return region;
}

void Region::create_table(const TableSpec& spec) {
  spec.validate();
  auto it = tables_.find(spec.name);
  if (it != tables_.end()) {
    if (it->second == spec) return;
    throw DynamoError(ErrorType::kResourceInUse, "Table already exists: " + spec.name);
  }
  sql::Statement insert(*db_, "INSERT INTO global_tables (name, spec) VALUES (?1, ?2)");
  insert.bind(1, spec.name).bind(2, table_spec_to_json(spec).dump()).run();
  tables_.emplace(spec.name, spec);
}

void Region::delete_table(const std::string& name) {
  table(name);
  sql::Transaction txn(*db_);
  for (const char* sql_text : {"DELETE FROM items WHERE table_name = ?1",
                               "DELETE FROM purged_tombstones WHERE table_name = ?1",
                               "DELETE FROM global_tables WHERE name = ?1"}) {
    sql::Statement(*db_, sql_text).bind(1, name).run();
  }
  txn.commit();
  tables_.erase(name);
}

std::vector<TableSpec> Region::tables() const {
  std::vector<TableSpec> out;
  for (const auto& [name, spec] : tables_)
    out.push_back(spec);
  return out;
}

std::optional<int64_t> Region::shortest_retention_us() const {
  std::optional<int64_t> shortest;
  for (const auto& [name, spec] : tables_) {
    int64_t retention = std::min(spec.tombstone_retention_us, spec.stream_retention_us);
    if (!shortest || retention < *shortest) shortest = retention;
  }
  return shortest;
}

const TableSpec& Region::table(const std::string& name) const {
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    throw DynamoError(ErrorType::kResourceNotFound,
                      "Requested resource not found: Table: " + name + " not found");
  }
  return it->second;
}

std::pair<std::string, std::string> Region::encode_key(const TableSpec& spec,
                                                       const Key& key) const {
  spec.key_schema.validate_key(key);
  std::string pk = KeySchema::encode_component(key.at(spec.key_schema.partition.name));
  std::string sk = spec.key_schema.sort
                       ? KeySchema::encode_component(key.at(spec.key_schema.sort->name))
                       : std::string();
  return {pk, sk};
}

std::optional<Region::Stored> Region::load(const std::string& table, const std::string& pk,
                                           const std::string& sk, DocumentAs as) {
  // Most new keys are known to have no row without a search for it (key_filter.h).
  if (!key_filter_.may_contain(table, pk, sk)) return std::nullopt;
  sql::Statement& s = statements_->load_item;
  s.bind_held(1, table).bind_held(2, pk).bind_held(3, sk);
  std::optional<Stored> out;
  if (s.step()) {
    out.emplace();
    out->document_json = s.column_optional_text(0);
    out->state = state_from_json_text(s.column_view(1), as == DocumentAs::kTree
                                                            ? parse_document(out->document_json)
                                                            : std::nullopt);
    if (!s.column_is_null(2)) out->deleted_true_us = s.column_int(2);
  }
  s.reset();
  return out;
}

void Region::store(const std::string& table, const std::string& pk, const std::string& sk,
                   const Stored& stored, const Encoded& encoded, RowIs row) {
  if (row == RowIs::kNew) key_filter_.add(table, pk, sk);
  const Version& v = stored.state.version;
  sql::Statement& s = statements_->upsert_item;
  s.bind_held(1, table).bind_held(2, pk).bind_held(3, sk).bind_held(4, encoded.key());
  s.bind_held(5, encoded.new_document()).bind_held(6, v.id.origin);
  s.bind(7, static_cast<int64_t>(v.id.seq)).bind(8, v.timestamp_us);
  s.bind_held(9, encoded.metadata());
  if (stored.deleted_true_us) {
    s.bind(10, *stored.deleted_true_us);
  } else {
    s.bind_null(10);
  }
  s.run();
}

StreamEvent Region::append_stream(const std::string& table, Encoded&& encoded, const Version& cause,
                                  int64_t commit_true_us, int64_t now_us,
                                  std::optional<VersionId> overwrote, const ApplyOutcome* applied) {
  StreamRow& row = stream_batch_.add();
  row.stream_seq = ++last_stream_seq_;
  row.table = table;
  row.event = event_for(encoded.old_document, encoded.new_document());
  row.texts = std::move(encoded.texts);
  row.old_image = std::move(encoded.old_document);
  row.cause = cause;
  row.commit_true_us = commit_true_us;
  row.applied_true_us = now_us;
  row.overwrote = std::move(overwrote);
  if (applied) row.applied = {applied->classification, applied->lost, applied->resurrected};
  return row.event;
}

template <typename F>
auto Region::in_transaction(sql::Undo undo, F body) {
  const uint64_t saved_local_seq = last_local_seq_;
  const uint64_t saved_stream_seq = last_stream_seq_;
  GTSIM_CHECK(stream_batch_.empty());
  try {
    sql::Transaction txn(*db_, undo);
    auto result = body();
    stream_batch_.write();
    txn.commit();
    remember_committed_local_changes();
    return result;
  } catch (...) {
    last_local_seq_ = saved_local_seq;
    last_stream_seq_ = saved_stream_seq;
    uncommitted_local_.clear();
    stream_batch_.clear();
    throw;
  }
}

void Region::remember_committed_local_changes() {
  for (ChangeRecord& record : uncommitted_local_)
    recent_local_.push_back(std::move(record));
  uncommitted_local_.clear();
  while (recent_local_.size() > kRecentLocalChanges)
    recent_local_.pop_front();
}

WriteResult Region::write_locally(
    const std::string& table, const Key& key, WriteKind kind,
    const std::function<std::optional<Item>(const Item* current)>& compute,
    std::set<std::string> touched, const ItemPredicate& condition, ReturnValues return_values,
    int64_t now_us) {
  const TableSpec& spec = this->table(table);
  const ConflictPolicy& policy = policy_by_name(spec.conflict_policy);
  auto [pk, sk] = encode_key(spec, key);
  // Most puts read nothing of the item they replace but its text, the stream's old image: the
  // tree is parsed only for a reader (the profile in docs/benchmarks.md).
  const bool reads_current = kind == WriteKind::kUpdate || condition ||
                             return_values != ReturnValues::kNone ||
                             !policy.keeps_whole_documents();
  std::optional<Stored> current =
      load(table, pk, sk, reads_current ? DocumentAs::kTree : DocumentAs::kTextOnly);
  const Item* current_doc = current ? current->state.document_tree() : nullptr;
  if (condition && !condition(current_doc)) throw_condition_failed();

  std::optional<Item> new_doc = compute(kind == WriteKind::kUpdate ? current_doc : nullptr);
  if (new_doc && item_size_bytes(*new_doc) > kMaxItemSizeBytes) {
    throw_validation("Item size has exceeded the maximum allowed size");
  }
  // Also what keeps every stored item within the depth its readers accept (kMaxItemJsonDepth).
  if (new_doc && item_nesting_levels(*new_doc) > kMaxNestingLevels) {
    throw_validation("Nesting Levels have exceeded supported limits");
  }
  int64_t timestamp = clock_.read(now_us);
  if (current && spec.timestamp_policy == TimestampPolicy::kMonotonicPerItem) {
    timestamp = std::max(timestamp, current->state.version.timestamp_us + 1);
  }
  // ReturnValues UPDATED_* name what the request touched; the policy also stamps the key.
  std::set<std::string> changed = touched;
  LocalWrite write{kind,
                   {{name_, last_local_seq_ + 1}, timestamp},
                   new_doc.value_or(Item{}),
                   std::move(touched)};
  for (const auto& [name, value] : key)
    write.touched.insert(name);
  Stored next{policy.apply_local(current ? &current->state : nullptr, write), std::nullopt};
  if (!reads_current && current && next.state.version == current->state.version) {
    // The write lost at home (wallclock timestamps under skew): the stored item stays, and it
    // was loaded as text only.
    next.state.document = parse_document(current->document_json);
  }
  if (next.state.is_tombstone()) {
    next.deleted_true_us = Stored::tombstone_since(current, now_us);
  }
  ++last_local_seq_;
  Encoded encoded(key, current, next.state);
  store(table, pk, sk, next, encoded, current ? RowIs::kStored : RowIs::kNew);
  std::optional<VersionId> overwrote;
  if (current) overwrote = current->state.version.id;
  // Read in place, not copied: only the answer (ReturnValues and the names touched) uses it.
  const Item* old_image = current_doc;
  // The record local_changes_after would read back from the stream row appended here, with the
  // texts the row holds: shippers send them as they are.
  std::shared_ptr<const ChangeTexts> texts = encoded.texts;
  const StreamEvent event =
      append_stream(table, std::move(encoded), write.version, now_us, now_us, overwrote, nullptr);
  uncommitted_local_.push_back(ChangeRecord{table, key, event, write.version, std::move(next.state),
                                            overwrote, now_us, std::move(texts)});

  const Item* new_image = uncommitted_local_.back().state.document_tree();
  if (kind != WriteKind::kUpdate) {
    for (const Item* image : {old_image, new_image}) {
      if (image) {
        for (const auto& [name, value] : *image)
          changed.insert(name);
      }
    }
  }
  return {write.version, return_image(return_values, old_image, new_image, changed)};
}

WriteResult Region::put_locally(const PutRequest& request, int64_t now_us) {
  const TableSpec& spec = table(request.table);
  Key key = spec.key_schema.key_of_item(request.item);
  return write_locally(
      request.table, key, WriteKind::kPut, [&](const Item*) { return request.item; }, {},
      request.condition, request.return_values, now_us);
}

WriteResult Region::delete_locally(const DeleteRequest& request, int64_t now_us) {
  return write_locally(
      request.table, request.key, WriteKind::kDelete,
      [](const Item*) { return std::optional<Item>(); }, {}, request.condition,
      request.return_values, now_us);
}

WriteResult Region::put(const PutRequest& request, int64_t now_us) {
  return in_transaction(sql::Undo::kChecksFirst, [&] { return put_locally(request, now_us); });
}

std::function<std::optional<Item>(const Item*)> Region::update_computation(
    const TableSpec& spec, const Key& key, const ItemUpdate& update) {
  for (const auto& name : update.touched) {
    if (spec.key_schema.is_key_attribute(name)) {
      throw_validation("One or more parameter values were invalid: Cannot update attribute " +
                       name + ". This attribute is part of the key");
    }
  }
  return [&key, &update](const Item* current) -> std::optional<Item> {
    Item next = update.apply(current ? *current : Item{});
    for (const auto& [name, value] : key)
      next[name] = value;
    return next;
  };
}

WriteResult Region::update(const UpdateRequest& request, int64_t now_us) {
  const TableSpec& spec = table(request.table);
  spec.key_schema.validate_key(request.key);
  auto compute = update_computation(spec, request.key, request.update);
  return in_transaction(sql::Undo::kChecksFirst, [&] {
    return write_locally(request.table, request.key, WriteKind::kUpdate, compute,
                         request.update.touched, request.condition, request.return_values, now_us);
  });
}

WriteResult Region::delete_item(const DeleteRequest& request, int64_t now_us) {
  return in_transaction(sql::Undo::kChecksFirst, [&] { return delete_locally(request, now_us); });
}

std::vector<WriteResult> Region::write_batch(const std::vector<BatchWrite>& writes,
                                             int64_t now_us) {
  // A later write may be refused after an earlier one wrote.
  return in_transaction(sql::Undo::kAlone, [&] {
    std::vector<WriteResult> results;
    results.reserve(writes.size());
    for (const BatchWrite& write : writes) {
      if (const auto* put = std::get_if<PutRequest>(&write)) {
        results.push_back(put_locally(*put, now_us));
      } else {
        results.push_back(delete_locally(std::get<DeleteRequest>(write), now_us));
      }
    }
    return results;
  });
}

std::vector<WriteResult> Region::transact_write(const std::vector<TransactItem>& items,
                                                int64_t now_us) {
  if (items.empty() || items.size() > 100) {
    throw_validation(
        "1 validation error detected: Value at 'transactItems' failed to satisfy "
        "constraint: Member must have length between 1 and 100");
  }
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  std::vector<Key> keys;
  for (const TransactItem& item : items) {
    const TableSpec& spec = table(item.table);
    Key key =
        item.kind == TransactItem::Kind::kPut ? spec.key_schema.key_of_item(item.item) : item.key;
    auto [pk, sk] = encode_key(spec, key);
    if (!seen.emplace(item.table, pk, sk).second) {
      throw_validation("Transaction request cannot include multiple operations on one item");
    }
    keys.push_back(std::move(key));
  }
  // An update may be refused (its expression meets a value of the wrong type) after a write.
  return in_transaction(sql::Undo::kAlone, [&] {
    // Every condition is checked against the state before the transaction, as DynamoDB does.
    std::vector<std::string> reasons;
    bool failed = false;
    for (size_t i = 0; i < items.size(); ++i) {
      const TableSpec& spec = table(items[i].table);
      auto [pk, sk] = encode_key(spec, keys[i]);
      std::optional<Stored> current = load(items[i].table, pk, sk);
      const Item* doc = current ? current->state.document_tree() : nullptr;
      bool ok = !items[i].condition || items[i].condition(doc);
      reasons.push_back(ok ? "None" : "ConditionalCheckFailed");
      failed |= !ok;
    }
    if (failed) {
      std::string list;
      for (const auto& r : reasons)
        list += (list.empty() ? "" : ", ") + r;
      DynamoError error(ErrorType::kTransactionCanceled,
                        "Transaction cancelled, please refer cancellation reasons for specific "
                        "reasons [" +
                            list + "]");
      error.cancellation_reasons = reasons;
      throw error;
    }
    std::vector<WriteResult> results;
    for (size_t i = 0; i < items.size(); ++i) {
      const TransactItem& item = items[i];
      const TableSpec& spec = table(item.table);
      switch (item.kind) {
        case TransactItem::Kind::kConditionCheck:
          break;
        case TransactItem::Kind::kPut:
          results.push_back(write_locally(
              item.table, keys[i], WriteKind::kPut, [&](const Item*) { return item.item; }, {}, {},
              ReturnValues::kNone, now_us));
          break;
        case TransactItem::Kind::kUpdate:
          results.push_back(write_locally(item.table, keys[i], WriteKind::kUpdate,
                                          update_computation(spec, keys[i], item.update),
                                          item.update.touched, {}, ReturnValues::kNone, now_us));
          break;
        case TransactItem::Kind::kDelete:
          results.push_back(write_locally(
              item.table, keys[i], WriteKind::kDelete,
              [](const Item*) { return std::optional<Item>(); }, {}, {}, ReturnValues::kNone,
              now_us));
          break;
      }
    }
    return results;
  });
}

GetResult Region::get(const GetRequest& request) {
  const TableSpec& spec = table(request.table);
  auto [pk, sk] = encode_key(spec, request.key);
  std::optional<Stored> stored = load(request.table, pk, sk);
  GetResult result;
  if (stored && stored->state.document) {
    const Item& item = stored->state.document->tree();
    result.item = request.projection ? request.projection(item) : item;
    result.version = stored->state.version;
  }
  return result;
}

std::optional<ItemState> Region::item_state(const std::string& table, const Key& key) {
  auto [pk, sk] = encode_key(this->table(table), key);
  std::optional<Stored> stored = load(table, pk, sk);
  if (!stored) return std::nullopt;
  return stored->state;
}

Page Region::query(const QueryRequest& request) {
  const TableSpec& spec = table(request.table);
  const KeySchema& schema = spec.key_schema;
  if (request.key_condition.partition_value.type() != schema.partition.type) {
    throw_validation(
        "One or more parameter values were invalid: Condition parameter type does "
        "not match schema type");
  }
  sql::Statement s(*db_,
                   "SELECT key, document, state FROM items WHERE table_name = ?1 AND pk = ?2 AND "
                   "document IS NOT NULL");
  s.bind(1, request.table)
      .bind(2, KeySchema::encode_component(request.key_condition.partition_value));
  struct Row {
    Key key;
    Item item;
    Version version;
  };
  std::vector<Row> rows;
  while (s.step()) {
    Key key = item_from_stored_text(s.column_text(0));
    if (schema.sort && request.key_condition.sort_matches &&
        !request.key_condition.sort_matches(key.at(schema.sort->name))) {
      continue;
    }
    rows.push_back({std::move(key), item_from_stored_text(s.column_text(1)),
                    state_from_json_text(s.column_text(2), std::nullopt).version});
  }
  if (schema.sort) {
    const std::string& sort_name = schema.sort->name;
    std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
      return sort_key_less(a.key.at(sort_name), b.key.at(sort_name));
    });
  }
  if (!request.scan_index_forward) std::reverse(rows.begin(), rows.end());
  size_t start = 0;
  if (request.exclusive_start_key) {
    auto it = std::find_if(rows.begin(), rows.end(),
                           [&](const Row& r) { return r.key == *request.exclusive_start_key; });
    if (it != rows.end()) start = static_cast<size_t>(it - rows.begin()) + 1;
  }
  Page page;
  for (size_t i = start; i < rows.size(); ++i) {
    if (request.limit && page.scanned_count == *request.limit) {
      page.last_evaluated_key = rows[i - 1].key;
      break;
    }
    ++page.scanned_count;
    if (request.filter && !request.filter(&rows[i].item)) continue;
    page.items.push_back(request.projection ? request.projection(rows[i].item) : rows[i].item);
    page.versions.push_back(rows[i].version);
  }
  return page;
}

Page Region::scan(const ScanRequest& request) {
  const TableSpec& spec = table(request.table);
  std::string after_pk;
  std::string after_sk;
  bool has_start = request.exclusive_start_key.has_value();
  if (has_start) std::tie(after_pk, after_sk) = encode_key(spec, *request.exclusive_start_key);
  sql::Statement s(*db_,
                   "SELECT key, document, state FROM items WHERE table_name = ?1 AND document IS "
                   "NOT NULL AND (?2 = 0 OR (pk, sk) > (?3, ?4)) ORDER BY pk, sk");
  s.bind(1, request.table).bind(2, int64_t{has_start ? 1 : 0}).bind(3, after_pk).bind(4, after_sk);
  Page page;
  Key last_key;
  while (s.step()) {
    Key key = item_from_stored_text(s.column_text(0));
    if (request.limit && page.scanned_count == *request.limit) {
      page.last_evaluated_key = last_key;
      break;
    }
    ++page.scanned_count;
    last_key = key;
    Item item = item_from_stored_text(s.column_text(1));
    if (request.filter && !request.filter(&item)) continue;
    page.items.push_back(request.projection ? request.projection(item) : item);
    page.versions.push_back(state_from_json_text(s.column_text(2), std::nullopt).version);
  }
  return page;
}

uint64_t Region::stream_trimmed_through(const std::string& table) {
  sql::Statement s(*db_,
                   "SELECT COALESCE(MAX(through_stream_seq), 0) FROM stream_trims WHERE "
                   "table_name = ?1");
  s.bind(1, table);
  s.step();
  return static_cast<uint64_t>(s.column_int(0));
}

uint64_t Region::first_retained_local_seq() {
  int64_t first =
      db_->query_int("SELECT COALESCE(MIN(origin_seq), 0) FROM stream WHERE is_local = 1");
  return first == 0 ? last_local_seq_ + 1 : static_cast<uint64_t>(first);
}

std::vector<ChangeRecord> Region::local_changes_after(uint64_t after_seq, size_t limit) {
  if (after_seq >= last_local_seq_) return {};
  if (!recent_local_.empty() && after_seq + 1 >= recent_local_.front().id().seq) {
    const auto first = recent_local_.begin() +
                       static_cast<ptrdiff_t>(after_seq + 1 - recent_local_.front().id().seq);
    const size_t count = std::min(limit, static_cast<size_t>(recent_local_.end() - first));
    return {first, first + static_cast<ptrdiff_t>(count)};
  }
  // Shippers ask after every local write, so the statement is prepared once (the profile of
  // deterministic mode in docs/benchmarks.md); it is reset however the loop ends.
  sql::Statement& s = statements_->local_changes;
  struct ResetOnExit {
    sql::Statement& s;
    ~ResetOnExit() { s.reset(); }
  } reset_on_exit{s};
  s.bind(1, static_cast<int64_t>(after_seq)).bind(2, static_cast<int64_t>(limit));
  std::vector<ChangeRecord> out;
  while (s.step()) {
    ChangeRecord r;
    auto texts = std::make_shared<ChangeTexts>(
        ChangeTexts{s.column_text(1), s.column_text(4), s.column_optional_text(3)});
    r.table = s.column_text(0);
    r.key = item_from_stored_text(texts->key);
    r.event = stream_event_from_name(s.column_text(2));
    r.state = state_from_json_text(texts->state, parse_document(texts->new_image));
    r.commit_true_us = s.column_int(5);
    r.version = {{s.column_text(8), static_cast<uint64_t>(s.column_int(9))}, s.column_int(10)};
    if (!s.column_is_null(6)) {
      r.overwrote = VersionId{s.column_text(6), static_cast<uint64_t>(s.column_int(7))};
    }
    r.texts = std::move(texts);
    out.push_back(std::move(r));
  }
  return out;
}

uint64_t Region::applied_cursor(const std::string& origin) const {
  auto it = cursors_.find(origin);
  return it == cursors_.end() ? 0 : it->second;
}

// A replicated record joined into the stored state.
struct Region::Joined {
  Stored next;  // without a document when joined through texts
  bool tombstone = false;
  bool changed = false;            // the visible item or its winner changed
  bool stores = false;             // the item row is written again
  std::optional<Encoded> encoded;  // when it stores or changed
};

Region::Joined Region::join_trees(const ConflictPolicy& policy,
                                  const std::optional<Stored>& current,
                                  const ChangeRecord& record) {
  Joined j{{current ? policy.merge(current->state, record.state) : record.state, std::nullopt}};
  j.tombstone = j.next.state.is_tombstone();
  j.changed = !current || j.next.state.document != current->state.document ||
              j.next.state.version != current->state.version;
  // A stale or repeated record stores nothing: its images are not encoded, only its key.
  j.stores = !current || j.next.state != current->state;
  if (j.stores || j.changed) {
    if (record.texts && j.next.state == record.state) {
      j.encoded.emplace(record.texts, current);
    } else {
      j.encoded.emplace(record.key, current, j.next.state);
    }
  }
  return j;
}

// Neither document is parsed or compared: the join keeps the document of the version it keeps,
// and a version names its document (the profile in docs/benchmarks.md).
Region::Joined Region::join_texts(const ConflictPolicy& policy,
                                  const std::optional<Stored>& current,
                                  const ChangeRecord& record) {
  const ItemState& in = record.state;
  if (!current) {  // a new key: the record's state and texts, as they came
    Joined j{{without_document(in), std::nullopt}};
    j.tombstone = in.is_tombstone();
    j.changed = j.stores = true;
    j.encoded.emplace(record.texts, current);
    return j;
  }
  const ItemState incoming = without_document(in);
  Joined j{{policy.merge(current->state, incoming), std::nullopt}};
  const bool keeps_incoming = j.next.state.version != current->state.version;
  j.tombstone = keeps_incoming ? in.is_tombstone() : current->loaded_tombstone();
  j.changed = keeps_incoming;
  j.stores = j.next.state != current->state;
  if (j.stores || j.changed) {
    if (j.next.state == incoming) {
      j.encoded.emplace(record.texts, current);
    } else {
      j.encoded.emplace(std::make_shared<const ChangeTexts>(ChangeTexts{
                            record.texts->key, state_metadata_json_text(j.next.state),
                            keeps_incoming ? record.texts->new_image : current->document_json}),
                        current);
    }
  }
  return j;
}

ApplyOutcome Region::apply_one(const ChangeRecord& record, const std::string& pk,
                               const std::string& sk, int64_t now_us) {
  const TableSpec& spec = table(record.table);
  const ConflictPolicy& policy = policy_by_name(spec.conflict_policy);
  const bool by_text = policy.keeps_whole_documents() && record.texts;
  std::optional<Stored> current =
      load(record.table, pk, sk, by_text ? DocumentAs::kTextOnly : DocumentAs::kTree);
  ApplyOutcome outcome;
  outcome.id = record.id();
  outcome.classification =
      classify(current ? current->state.history : VersionVector{}, record.state.history);
  if (!current && !record.state.is_tombstone() && any_purged_tombstone_) {
    // The item may have been deleted here and its tombstone purged: if that delete did not
    // happen before this write, the write brings back an item the delete should have beaten.
    // Every replicated insert asks, so the statement is prepared once, not per record (the
    // profile in docs/benchmarks.md).
    sql::Statement& purged = statements_->select_purged;
    purged.bind(1, record.table).bind(2, pk).bind(3, sk);
    std::optional<std::string> history;
    if (purged.step()) history = purged.column_text(0);
    purged.reset();
    if (history) {
      VersionVector deleted = history_from_json(json::parse(*history));
      Classification c = classify(deleted, record.state.history);
      outcome.resurrected = c != Classification::kSupersedes;
    }
  }
  Joined joined =
      by_text ? join_texts(policy, current, record) : join_trees(policy, current, record);
  if (outcome.classification == Classification::kConcurrent) {
    outcome.lost =
        std::min(current->state.version, record.state.version,
                 [](const Version& a, const Version& b) { return a.stamp() < b.stamp(); });
  }
  outcome.changed = joined.changed;
  if (joined.tombstone) {
    joined.next.deleted_true_us = Stored::tombstone_since(current, now_us);
  }
  if (joined.stores) {
    store(record.table, pk, sk, joined.next, *joined.encoded,
          current ? RowIs::kStored : RowIs::kNew);
  }
  // Every apply is logged (applied_log): a change in its stream record, anything else in a row
  // of its own.
  if (outcome.changed) {
    append_stream(record.table, std::move(*joined.encoded), record.version, record.commit_true_us,
                  now_us, std::nullopt, &outcome);
    return outcome;
  }
  sql::Statement& log = statements_->insert_unstreamed;
  log.bind(1, record.id().origin).bind(2, static_cast<int64_t>(record.id().seq));
  log.bind(3, record.table);
  if (joined.encoded) {
    log.bind(4, joined.encoded->key());
  } else {
    log.bind(4, record.texts ? record.texts->key : item_json_text(record.key));
  }
  log.bind(5, record.version.timestamp_us).bind(6, record.commit_true_us).bind(7, now_us);
  log.bind(8, classification_name(outcome.classification));
  bind_lost(log, 9, outcome.lost);
  log.bind(12, int64_t{outcome.resurrected ? 1 : 0});
  log.run();
  return outcome;
}

std::vector<ApplyOutcome> Region::apply_remote_batch(const std::string& origin,
                                                     const std::vector<ChangeRecord>& records,
                                                     int64_t now_us) {
  if (origin == name_) throw_validation("region " + name_ + " cannot apply its own changes");
  // The whole batch is checked before its first write (sql::Undo::kChecksFirst).
  struct Pending {
    const ChangeRecord* record;
    std::pair<std::string, std::string> pk_sk;
  };
  std::vector<Pending> pending;
  pending.reserve(records.size());
  uint64_t cursor = applied_cursor(origin);
  for (const ChangeRecord& record : records) {
    if (record.id().origin != origin) {
      throw_validation("change " + record.id().origin + "#" + std::to_string(record.id().seq) +
                       " arrived in a batch from " + origin);
    }
    if (record.id().seq <= cursor) continue;  // a resend
    if (record.id().seq != cursor + 1) {
      throw_validation(fmt::format("gap in changes from {}: expected #{}, got #{}", origin,
                                   cursor + 1, record.id().seq));
    }
    cursor = record.id().seq;
    // A region holds replicas of some tables only (a table not yet global, or a replica
    // removed): changes to the others pass by, so they cannot hold up the ones it holds.
    auto table = tables_.find(record.table);
    if (table != tables_.end()) pending.push_back({&record, encode_key(table->second, record.key)});
  }
  std::vector<ApplyOutcome> outcomes = in_transaction(sql::Undo::kChecksFirst, [&] {
    std::vector<ApplyOutcome> applied;
    applied.reserve(pending.size());
    for (const Pending& p : pending)
      applied.push_back(apply_one(*p.record, p.pk_sk.first, p.pk_sk.second, now_us));
    write_cursor_row(origin, cursor, now_us);
    return applied;
  });
  moved_cursor(origin, cursor, now_us);  // only once committed: a refused batch moves no cursor
  return outcomes;
}

void Region::write_cursor_row(const std::string& origin, uint64_t seq, int64_t now_us) {
  if (db_->commits_in_groups()) return;
  // An update where the row exists: cheaper than the upsert's failed insert, and paid by every
  // batch, of one record when a peer keeps up.
  sql::Statement& save_cursor =
      cursors_.contains(origin) ? statements_->update_cursor : statements_->upsert_cursor;
  save_cursor.bind(1, origin).bind(2, static_cast<int64_t>(seq)).bind(3, now_us).run();
  // Here cursors_ mirrors the cursors rows; an UPDATE that found none would lose the cursor.
  GTSIM_CHECK(db_->changes() == 1);
}

void Region::moved_cursor(const std::string& origin, uint64_t seq, int64_t now_us) {
  cursors_[origin] = seq;
  if (db_->commits_in_groups()) unsaved_cursors_[origin] = now_us;
}

void Region::save_moved_cursors() {
  for (const auto& [origin, moved_us] : unsaved_cursors_) {
    statements_->upsert_cursor.bind(1, origin)
        .bind(2, static_cast<int64_t>(cursors_.at(origin)))
        .bind(3, moved_us)
        .run();
  }
  unsaved_cursors_.clear();
}

std::vector<StreamRecord> Region::stream_after(uint64_t after, size_t limit) {
  sql::Statement s(*db_,
                   "SELECT stream_seq, table_name, key, event, old_image, new_image, origin, "
                   "origin_seq, timestamp_us, commit_true_us, applied_true_us FROM stream WHERE "
                   "stream_seq > ?1 ORDER BY stream_seq LIMIT ?2");
  s.bind(1, static_cast<int64_t>(after)).bind(2, static_cast<int64_t>(limit));
  std::vector<StreamRecord> out;
  while (s.step()) {
    StreamRecord r;
    r.stream_seq = static_cast<uint64_t>(s.column_int(0));
    r.table = s.column_text(1);
    r.key = item_from_stored_text(s.column_text(2));
    r.event = stream_event_from_name(s.column_text(3));
    r.old_image = parse_document(s.column_optional_text(4));
    r.new_image = parse_document(s.column_optional_text(5));
    r.version = {{s.column_text(6), static_cast<uint64_t>(s.column_int(7))}, s.column_int(8)};
    r.commit_true_us = s.column_int(9);
    r.applied_true_us = s.column_int(10);
    out.push_back(std::move(r));
  }
  return out;
}

TrimResult Region::trim(int64_t now_us) {
  // What the trim takes from the stream is gone for shippers too.
  recent_local_.clear();
  TrimResult result;
  sql::Transaction txn(*db_);
  for (const auto& [name, spec] : tables_) {
    // Remembered before the records go: the stream's trim point (Streams answers
    // TrimmedDataAccessException before it) and how far this region's own writes were trimmed
    // (a peer whose cursor is behind that is out of sync, which the report shows).
    sql::Statement note(
        *db_,
        "INSERT INTO stream_trims (table_name, trimmed_true_us, through_stream_seq, "
        "through_local_seq) SELECT ?1, ?3, MAX(stream_seq), MAX(CASE WHEN is_local "
        "= 1 THEN origin_seq END) FROM stream WHERE table_name = ?1 AND "
        "applied_true_us < ?2 GROUP BY table_name");
    note.bind(1, name).bind(2, now_us - spec.stream_retention_us).bind(3, now_us).run();
    // Their applies stay in applied_log, which is never trimmed (the report reads it).
    sql::Statement keep_applies(*db_,
                                "INSERT INTO applied_unstreamed SELECT * FROM streamed_applies "
                                "WHERE table_name = ?1 AND applied_true_us < ?2");
    keep_applies.bind(1, name).bind(2, now_us - spec.stream_retention_us).run();
    sql::Statement trim_stream(*db_,
                               "DELETE FROM stream WHERE table_name = ?1 AND applied_true_us < ?2");
    trim_stream.bind(1, name).bind(2, now_us - spec.stream_retention_us).run();
    result.stream_records_trimmed += static_cast<size_t>(db_->changes());
    sql::Statement remember(
        *db_,
        "INSERT OR REPLACE INTO purged_tombstones (table_name, pk, sk, origin, origin_seq, "
        "timestamp_us, history, purged_true_us) SELECT table_name, pk, sk, origin, origin_seq, "
        "timestamp_us, json_extract(state, '$.history'), ?3 FROM items WHERE table_name = ?1 AND "
        "document IS NULL AND deleted_true_us < ?2");
    remember.bind(1, name).bind(2, now_us - spec.tombstone_retention_us).bind(3, now_us).run();
    sql::Statement purge(*db_,
                         "DELETE FROM items WHERE table_name = ?1 AND document IS NULL AND "
                         "deleted_true_us < ?2");
    purge.bind(1, name).bind(2, now_us - spec.tombstone_retention_us).run();
    result.tombstones_purged += static_cast<size_t>(db_->changes());
    if (result.tombstones_purged > 0) any_purged_tombstone_ = true;
  }
  txn.commit();
  return result;
}

std::string Region::table_digest(const std::string& table) {
  this->table(table);
  sql::Statement s(*db_,
                   "SELECT pk, sk, document, origin, origin_seq FROM items WHERE table_name = ?1 "
                   "AND document IS NOT NULL ORDER BY pk, sk");
  s.bind(1, table);
  // FNV-1a, 64 bits: stable across processes and builds, which std::hash is not.
  uint64_t hash = 1469598103934665603ULL;
  size_t count = 0;
  auto mix = [&](std::string_view text) {
    for (unsigned char c : text)
      hash = (hash ^ c) * 1099511628211ULL;
    hash = (hash ^ 0x1f) * 1099511628211ULL;
  };
  while (s.step()) {
    for (int column = 0; column < 4; ++column)
      mix(s.column_view(column));
    char seq[20];
    mix(std::string_view(seq, std::to_chars(seq, seq + sizeof seq, s.column_int(4)).ptr - seq));
    ++count;
  }
  return fmt::format("{}:{:016x}", count, hash);
}

Snapshot Region::snapshot() {
  Snapshot snap;
  snap.tables = tables();
  sql::Statement s(
      *db_, "SELECT table_name, key, document, state FROM items ORDER BY table_name, pk, sk");
  while (s.step()) {
    ChangeRecord r;
    r.table = s.column_text(0);
    r.key = item_from_stored_text(s.column_text(1));
    r.state = state_from_json_text(s.column_text(3), parse_document(s.column_optional_text(2)));
    r.version = r.state.version;
    r.event = r.state.is_tombstone() ? StreamEvent::kRemove : StreamEvent::kInsert;
    snap.items.push_back(std::move(r));
  }
  snap.cursors = applied_cursors();
  snap.cursors[name_] = last_local_seq_;
  return snap;
}

void Region::load_snapshot(const Snapshot& snapshot, int64_t now_us) {
  if (db_->query_int("SELECT COUNT(*) FROM items") != 0 || last_local_seq_ != 0) {
    throw_validation("region " + name_ + " is not empty; a snapshot seeds only a new replica");
  }
  for (const TableSpec& spec : snapshot.tables)
    create_table(spec);
  in_transaction(sql::Undo::kAlone, [&] {
    for (const ChangeRecord& r : snapshot.items) {
      Stored stored{r.state, std::nullopt};
      if (r.state.is_tombstone()) stored.deleted_true_us = now_us;
      auto [pk, sk] = encode_key(table(r.table), r.key);
      store(r.table, pk, sk, stored, Encoded(r.key, std::nullopt, r.state), RowIs::kNew);
    }
    for (const auto& [origin, seq] : snapshot.cursors) {
      if (origin != name_) write_cursor_row(origin, seq, now_us);
    }
    return 0;
  });
  for (const auto& [origin, seq] : snapshot.cursors) {
    if (origin != name_) moved_cursor(origin, seq, now_us);
  }
}

}  // namespace gtsim
