// Region: one region's replica of every global table, on one SQLite file.
//
// It holds items (with their version metadata, tombstones included), the change stream, the
// per-origin cursors of applied remote changes, and a log of every remote change it applied. Local
// operations (put, get, update, delete, query, scan, transactions) behave as DynamoDB's do against
// the local copy only: conditions see only what this region has. Every change and its stream
// record commit in one SQLite transaction, so a committed write never misses its record.
//
// Time: nothing here reads a clock. Every call that needs time takes `now_us`, the true time
// (host monotonic clock in real processes, virtual time in deterministic mode); the region's own
// skewed clock is derived from it by RegionClock and stamps local writes.
//
// Conditions, updates, projections and key conditions arrive as small function objects, so this
// operations do not depend on how they were written; regions/expression_requests.h builds them
// from DynamoDB expressions.
//
// Errors: DynamoError with DynamoDB's types (kValidation, kConditionalCheckFailed,
// kTransactionCanceled, kResourceNotFound) for requests DynamoDB would refuse; kInternal for
// SQLite failures. A failed call changes nothing.
// Thread-safety: not thread-safe; one owner (a region process's event loop, or the simulator).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "conflict/policy.h"
#include "regions/change_record.h"
#include "regions/clock.h"
#include "regions/file_mode.h"
#include "regions/key_filter.h"
#include "regions/stream_batch.h"
#include "regions/table_spec.h"

namespace gtsim {

namespace sql {
class Database;
class Checkpointer;
enum class Undo;
}  // namespace sql

enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };

// A condition on the current item; `item` is nullptr when the item does not exist.
using ItemPredicate = std::function<bool(const Item* item)>;
// A projection of an item to some of its attributes.
using ItemProjection = std::function<Item(const Item& item)>;

struct ItemUpdate {
  // The whole item after the update. `current` is empty when the item does not exist; the region
  // adds the key attributes afterwards.
  std::function<Item(const Item& current)> apply;
  // Top-level attributes written or removed. Key attributes must not be among them.
  std::set<std::string> touched;
};

struct KeyCondition {
  AttributeValue partition_value;
  // Whether a sort-key value qualifies; empty function: every one does.
  std::function<bool(const AttributeValue& sort_value)> sort_matches;
};

struct PutRequest {
  std::string table;
  Item item;
  ItemPredicate condition;  // empty: unconditional
  ReturnValues return_values = ReturnValues::kNone;
};

struct UpdateRequest {
  std::string table;
  Key key;
  ItemUpdate update;
  ItemPredicate condition;
  ReturnValues return_values = ReturnValues::kNone;
};

struct DeleteRequest {
  std::string table;
  Key key;
  ItemPredicate condition;
  ReturnValues return_values = ReturnValues::kNone;
};

// One write of a batch (Region::write_batch).
using BatchWrite = std::variant<PutRequest, DeleteRequest>;

struct GetRequest {
  std::string table;
  Key key;
  // Both kinds read this region's copy: within one region gtsim models no staleness; what global
  // tables make stale is another region's copy.
  bool consistent = false;
  ItemProjection projection;
};

struct QueryRequest {
  std::string table;
  KeyCondition key_condition;
  ItemPredicate filter;
  ItemProjection projection;
  bool scan_index_forward = true;
  std::optional<size_t> limit;  // items evaluated, before the filter, as DynamoDB's Limit
  std::optional<Key> exclusive_start_key;
};

struct ScanRequest {
  std::string table;
  ItemPredicate filter;
  ItemProjection projection;
  std::optional<size_t> limit;
  std::optional<Key> exclusive_start_key;
};

struct TransactItem {
  enum class Kind { kPut, kUpdate, kDelete, kConditionCheck };
  Kind kind = Kind::kPut;
  std::string table;
  Item item;  // kPut
  Key key;    // the others
  ItemUpdate update;
  ItemPredicate condition;
};

struct WriteResult {
  Version version;                 // the write's version
  std::optional<Item> attributes;  // as ReturnValues asked
};

struct GetResult {
  std::optional<Item> item;
  std::optional<Version> version;  // the version read, for stale-read analysis
};

struct Page {
  std::vector<Item> items;
  std::vector<Version> versions;  // one per item, before projection
  size_t scanned_count = 0;
  std::optional<Key> last_evaluated_key;
};

// What applying one remote change did.
struct ApplyOutcome {
  VersionId id;
  Classification classification = Classification::kSupersedes;
  bool changed = false;         // the local item's visible state or winner changed
  std::optional<Version> lost;  // kConcurrent: the version LWW discarded
  bool resurrected = false;     // the item came back after its tombstone was purged
};

// A record of the local stream (DynamoDB Streams), local and replicated changes alike.
struct StreamRecord {
  uint64_t stream_seq = 0;  // this region's stream sequence number
  std::string table;
  Key key;
  StreamEvent event = StreamEvent::kInsert;
  std::optional<Item> old_image;
  std::optional<Item> new_image;
  Version version;              // the write that caused the change
  int64_t commit_true_us = 0;   // at the origin
  int64_t applied_true_us = 0;  // here
};

struct TrimResult {
  size_t stream_records_trimmed = 0;
  size_t tombstones_purged = 0;
};

// A full copy for seeding a new replica: every table and item state, and for each origin how far
// the copy includes its writes.
struct Snapshot {
  std::vector<TableSpec> tables;
  std::vector<ChangeRecord> items;  // one per item, state as held by the source
  std::map<std::string, uint64_t> cursors;
};

class Region {
 public:
  // Transactions a private file commits together (sql::Database::group_commits). A group copies
  // each page it changes once into its journal and pays one commit, so larger groups cost less;
  // 1,024 takes most of what a group of 16,384 saves (docs/benchmarks.md, sixteenth round) with a
  // journal of a few megabytes at most.
  static constexpr size_t kPrivateGroupSize = 1024;

  // Opens or creates the region file at `path`, as `mode` says (file_mode.h). Throws
  // DynamoError(kInternal) when the file cannot be opened, has an unknown schema version (PRAGMA
  // user_version), or belongs to another region.
  static std::unique_ptr<Region> open(const std::string& path, const std::string& name,
                                      const ClockSettings& clock, int64_t now_us,
                                      FileMode mode = FileMode::kShared);
  ~Region();

  const std::string& name() const { return name_; }
  RegionClock& clock() { return clock_; }
  const RegionClock& clock() const { return clock_; }

  // Creates the table; creating it again with the same spec does nothing. Throws
  // DynamoError(kResourceInUse) for a different spec, kValidation for a bad one.
  void create_table(const TableSpec& spec);
  // Removes the table and its items (remove-replica). kResourceNotFound if absent.
  void delete_table(const std::string& name);
  std::vector<TableSpec> tables() const;
  // Throws DynamoError(kResourceNotFound).
  const TableSpec& table(const std::string& name) const;

  WriteResult put(const PutRequest& request, int64_t now_us);
  WriteResult update(const UpdateRequest& request, int64_t now_us);
  WriteResult delete_item(const DeleteRequest& request, int64_t now_us);
  GetResult get(const GetRequest& request);
  Page query(const QueryRequest& request);
  Page scan(const ScanRequest& request);
  // All or nothing, locally; kTransactionCanceled with one reason per item when a condition fails.
  std::vector<WriteResult> transact_write(const std::vector<TransactItem>& items, int64_t now_us);
  // Independent writes (BatchWriteItem's puts and deletes) committed in one SQLite transaction.
  // Each is the write put() or delete_item() would make, in order, seeing the ones before it: its
  // own version and origin sequence number (consecutive across the batch), its own stream record.
  // Only the commit is shared, so a batch costs one commit instead of one per write. When any
  // write fails (missing table, bad key, failed condition, SQLite) the call throws that write's
  // error and nothing of the batch remains: no item, no stream record, and last_local_seq() is
  // back where it was, so the next write reuses the sequence numbers.
  std::vector<WriteResult> write_batch(const std::vector<BatchWrite>& writes, int64_t now_us);

  // The state of one item, tombstones included (nullopt when the region holds nothing).
  std::optional<ItemState> item_state(const std::string& table, const Key& key);

  // --- Replication ---
  // Highest origin sequence number of this region's own writes (0 before the first).
  uint64_t last_local_seq() const { return last_local_seq_; }
  // Lowest local origin sequence still in the stream (retention may have trimmed older ones);
  // last_local_seq() + 1 when none is retained.
  uint64_t first_retained_local_seq();
  // This region's own changes with origin sequence > after_seq, in order, at most `limit`.
  std::vector<ChangeRecord> local_changes_after(uint64_t after_seq, size_t limit);
  // Highest origin sequence applied here from `origin` (0 if none).
  uint64_t applied_cursor(const std::string& origin) const;
  const std::map<std::string, uint64_t>& applied_cursors() const { return cursors_; }
  // Applies changes from `origin` in one transaction with its cursor. Records at or below the
  // cursor are resends, and records of tables this region holds no replica of pass by; both are
  // skipped (not in the result) while the cursor advances past them. Throws
  // DynamoError(kValidation) on a record from another origin or a gap in the sequence, changing
  // nothing.
  std::vector<ApplyOutcome> apply_remote_batch(const std::string& origin,
                                               const std::vector<ChangeRecord>& records,
                                               int64_t now_us);

  // --- Streams and maintenance ---
  // Stream records with stream_seq > after, at most limit.
  std::vector<StreamRecord> stream_after(uint64_t after, size_t limit);
  // The highest stream sequence number of `table` that retention removed (0 before any): the
  // stream's trim point. Sequence numbers are never reused, so one at or below it is gone.
  uint64_t stream_trimmed_through(const std::string& table);
  // Trims stream records older than each table's stream retention and purges tombstones older
  // than its tombstone retention (remembering them, so that a late write that resurrects the item
  // is reported, and each trim in stream_trims). Records a peer has not acknowledged are trimmed
  // too: that peer falls out of sync (DESIGN.md section 5). The region never trims by itself;
  // replicator/retention.h says when.
  TrimResult trim(int64_t now_us);
  // The shortest tombstone or stream retention among the tables (nullopt without tables).
  std::optional<int64_t> shortest_retention_us() const;
  // A digest of a table's visible items and their winning versions; equal digests mean equal
  // replicas.
  std::string table_digest(const std::string& table);

  Snapshot snapshot();
  // Loads a snapshot into an empty region (add-replica). Throws kValidation if not empty.
  void load_snapshot(const Snapshot& snapshot, int64_t now_us);

 private:
  Region(std::unique_ptr<sql::Database> db, std::string name, RegionClock clock);
  struct Stored;
  struct Encoded;
  struct Statements;
  struct Joined;
  // Whether the items table held a row for a key when a write loaded it.
  enum class RowIs { kNew, kStored };

  // What load() makes of the stored document: a tree, or only its text, for a join that reads
  // none (ConflictPolicy::keeps_whole_documents).
  enum class DocumentAs { kTree, kTextOnly };
  std::optional<Stored> load(const std::string& table, const std::string& pk, const std::string& sk,
                             DocumentAs as = DocumentAs::kTree);
  // A replicated `record` joined by `policy` into `current`, as apply_one stores and logs it:
  // through the documents' trees, or, for a policy that keeps whole documents, through their
  // texts, `current` loaded with DocumentAs::kTextOnly and `record` carrying its texts.
  static Joined join_trees(const ConflictPolicy& policy, const std::optional<Stored>& current,
                           const ChangeRecord& record);
  static Joined join_texts(const ConflictPolicy& policy, const std::optional<Stored>& current,
                           const ChangeRecord& record);
  // Writes the item row of the key encoded as `pk` and `sk` (encode_key); `row` says whether the
  // key had one (a new one is added to key_filter_).
  void store(const std::string& table, const std::string& pk, const std::string& sk,
             const Stored& stored, const Encoded& encoded, RowIs row);
  // Appends the stream record of a change to stream_batch_, which the transaction writes as it
  // ends. `applied`: how a replicated record was applied (its stream record logs the apply);
  // nullptr for a local write. Returns the record's event (INSERT, MODIFY or REMOVE).
  StreamEvent append_stream(const std::string& table, Encoded&& encoded, const Version& cause,
                            int64_t commit_true_us, int64_t now_us,
                            std::optional<VersionId> overwrote, const ApplyOutcome* applied);
  // put() and delete_item() inside an open transaction.
  WriteResult put_locally(const PutRequest& request, int64_t now_us);
  WriteResult delete_locally(const DeleteRequest& request, int64_t now_us);
  // One local write inside an open transaction; returns its result. `compute` is given the
  // stored item for a kUpdate only: a put's or a delete's new item does not depend on it, and
  // such a write loads the stored item as a tree only when its condition, its ReturnValues or
  // the table's policy reads it.
  WriteResult write_locally(const std::string& table, const Key& key, WriteKind kind,
                            const std::function<std::optional<Item>(const Item* current)>& compute,
                            std::set<std::string> touched, const ItemPredicate& condition,
                            ReturnValues return_values, int64_t now_us);
  std::pair<std::string, std::string> encode_key(const TableSpec& spec, const Key& key) const;
  // Runs `body` in one SQLite transaction; on any exception the file and the local sequence
  // counter are left as they were. With sql::Undo::kChecksFirst, `body` refuses, if at all,
  // before its first write.
  template <typename F>
  auto in_transaction(sql::Undo undo, F body);
  // Refuses updates of key attributes; the returned function references `key` and `update`.
  static std::function<std::optional<Item>(const Item*)> update_computation(
      const TableSpec& spec, const Key& key, const ItemUpdate& update);
  // Moves the committed transaction's local changes to recent_local_.
  void remember_committed_local_changes();
  // Inside the transaction that moves `origin`'s cursor to `seq`: its row, unless the file commits
  // in groups. moved_cursor, once that transaction committed, keeps it in memory (and for the
  // group's save_moved_cursors, which runs just before each group commits).
  void write_cursor_row(const std::string& origin, uint64_t seq, int64_t now_us);
  void moved_cursor(const std::string& origin, uint64_t seq, int64_t now_us);
  void save_moved_cursors();
  // Joins one remote change, whose key encodes as `pk` and `sk`, into the local state (inside
  // apply_remote_batch's transaction).
  ApplyOutcome apply_one(const ChangeRecord& record, const std::string& pk, const std::string& sk,
                         int64_t now_us);

  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<Statements> statements_;
  // Checkpoints db_'s WAL off this thread; destroyed (joined) first, as declared after db_.
  std::unique_ptr<sql::Checkpointer> checkpointer_;
  std::string name_;
  RegionClock clock_;
  std::map<std::string, TableSpec> tables_;
  uint64_t last_local_seq_ = 0;
  // The stream sequence number of the latest stream record (schema::kLastStreamSeq).
  uint64_t last_stream_seq_ = 0;
  // The cursors as committed: every received batch asks for its origin's cursor. In a file that
  // commits in groups the rows lag behind: they are written once per group (save_moved_cursors),
  // which costs a peer keeping up, one record per batch, a row write per group, not per record.
  std::map<std::string, uint64_t> cursors_;
  // Grouped files: the origins whose row lags cursors_, and when their cursor last moved.
  std::map<std::string, int64_t> unsaved_cursors_;
  // This region's latest committed local changes, in sequence order, ending at last_local_seq_
  // (kRecentLocalChanges at most; emptied by trim), and those of the open transaction.
  std::deque<ChangeRecord> recent_local_;
  std::vector<ChangeRecord> uncommitted_local_;
  // Whether purged_tombstones may hold a row: until a trim purges one, a replicated insert need
  // not look for a delete it might resurrect (every insert would pay a lookup for nothing).
  bool any_purged_tombstone_ = false;
  // The keys the items table may hold a row for: load() reads no row for the others. Built from
  // the file as the region opens, and added to by store(); this region is the file's only writer.
  KeyFilter key_filter_;
  // The open transaction's stream records (in_transaction writes them before it commits).
  StreamBatch stream_batch_;
};

}  // namespace gtsim
