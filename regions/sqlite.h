// A thin RAII layer over SQLite's C API: a connection, prepared statements, and transactions.
//
// Errors: any SQLite failure throws DynamoError(kInternal) with SQLite's message and the SQL that
// failed; those are environment failures (disk full, a file locked by another process), not bugs.
// Thread-safety: a Database and its statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gtsim::sql {

class Statement;

// How a transaction of a group (Database::group_commits) is undone when it fails. Outside groups
// every transaction is undone alone, whichever is asked for.
enum class Undo {
  // A savepoint of its own: the transaction may be refused after its first write (a later item of
  // a batch), and then rolls back alone.
  kAlone,
  // No savepoint, whose copies of the pages the transaction touches were 6 - 8% of a simulated
  // write's instructions (docs/benchmarks.md). The caller refuses the transaction, if at all,
  // before its first write; after that only SQLite itself may fail (a full disk), and that may
  // roll back the whole group anyway. A transaction that fails after writing is undone with the
  // group when it was the group's first; after that it cannot be undone without the group's
  // acknowledged ones, so it aborts the process rather than lose them silently.
  kChecksFirst,
};

// Where an open Database keeps its pages.
enum class Residence {
  // In the file, read and written through SQLite's page cache.
  kFile,
  // In memory, copied from the file when the Database opens and back into it, whole, when it
  // closes. No page is read or written through the file in between: those system calls were a
  // fifth of a simulated region's time (docs/benchmarks.md). The file stays locked exclusively
  // meanwhile, so nothing reads it half written. Memory holds the whole file, and a process that
  // dies before closing leaves the file as it was opened.
  kMemory,
};

class Database {
 public:
  // Opens (creating if needed) the file at `path`, keeping its pages as `residence` says. Throws
  // DynamoError(kInternal), also when kMemory finds the file locked by another connection.
  explicit Database(const std::string& path, Residence residence = Residence::kFile);
  // Commits the open group (group_commits) and, under kMemory, writes the pages back to the file.
  // Either failing would lose acknowledged transactions: it is reported on stderr, and a failed
  // write-back aborts the process.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql);
  // The single integer a query like "PRAGMA user_version" returns.
  int64_t query_int(std::string_view sql);
  int64_t changes() const;
  sqlite3* handle() const { return db_; }

  // From now on, each Transaction is part of one outer transaction, which commits when the next
  // Transaction begins after `transactions` of them have committed, on commit_group(), and when
  // the Database closes: a commit's page writes are paid once per group instead of once per
  // transaction. A failed transaction is undone as its Undo says. Only for a file nothing else
  // opens while this connection holds it (FileMode::kPrivate), whose committed transactions need
  // not survive this process dying: those of an unfinished group are lost with it.
  //
  // `before_group_commit`, if given, runs inside the outer transaction just before each group
  // commits, except when the Database closes (its owner's state may be gone by then: an owner
  // with such a hook calls commit_group() before it lets go). It writes what the owner keeps in
  // memory and the file needs only once per group. A group that cannot commit, or whose hook
  // throws, aborts the process: its transactions were acknowledged, and nothing can undo the
  // failure without losing them.
  void group_commits(size_t transactions, std::function<void()> before_group_commit = {});
  // Commits the open group now, after the hook. Nothing to do when none is open.
  void commit_group();
  bool commits_in_groups() const { return group_size_ != 0; }

  // Used by Transaction. Statements are prepared once on first use rather than parsed on every
  // transaction (regions run one per write: the profile in docs/benchmarks.md).
  void begin(Undo undo);
  void commit();
  void rollback() noexcept;

 private:
  void run_cached(std::unique_ptr<Statement>& statement, std::string_view sql);

  sqlite3* db_ = nullptr;
  // kMemory: the file, held locked until the pages go back to it.
  sqlite3* file_ = nullptr;
  size_t group_size_ = 0;  // 0: every transaction commits on its own
  size_t grouped_ = 0;     // transactions released into the open outer transaction
  std::function<void()> before_group_commit_;
  bool savepoint_open_ = false;
  int64_t changes_at_begin_ = 0;  // sqlite3_total_changes64 when the open transaction began
  std::unique_ptr<Statement> begin_;
  std::unique_ptr<Statement> commit_;
  std::unique_ptr<Statement> savepoint_;
  std::unique_ptr<Statement> release_;
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite. Bindings are cleared by reset().
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::optional<std::string>& text);  // NULL when empty
  // The same without SQLite's copy of the text, for texts the caller holds: `text` must stay
  // alive and unchanged until the statement is next reset (by run(), reset(), or a failed bind
  // or step). The hot paths bind several hundred bytes per row this way.
  Statement& bind_held(int index, std::string_view text);
  Statement& bind_held(int index, const std::string& text) {
    return bind_held(index, std::string_view(text));
  }
  Statement& bind_held(int index, const char* text) {
    return bind_held(index, std::string_view(text));
  }
  Statement& bind_held(int index, const std::optional<std::string>& text);
  Statement& bind_null(int index);

  // Advances; true while a row is available. A failure resets the statement before it throws.
  bool step();
  // Runs a statement that returns no rows, then resets it.
  void run();
  void reset();

  // Columns are 0-based, as in SQLite.
  int64_t column_int(int index) const;
  std::string column_text(int index) const;
  // The same without a copy, for text read in place: valid until the statement next steps or
  // resets. Empty for NULL.
  std::string_view column_view(int index) const;
  bool column_is_null(int index) const;
  std::optional<std::string> column_optional_text(int index) const;

 private:
  Statement& bind_text(int index, std::string_view text, void (*destructor)(void*));
  [[noreturn]] void fail_and_reset();

  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() was called, so an
// exception anywhere inside leaves the file as it was (in a group, as `undo` says).
class Transaction {
 public:
  explicit Transaction(Database& db, Undo undo = Undo::kAlone);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace gtsim::sql
