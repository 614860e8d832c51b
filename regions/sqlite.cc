#include "regions/sqlite.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <utility>

#include "model/errors.h"

namespace gtsim::sql {
namespace {

// SQLite's last error on `db`, while running `what`: read it before any other call on `db`.
DynamoError error(sqlite3* db, std::string_view what) {
  return DynamoError(ErrorType::kInternal, "SQLite: " + std::string(sqlite3_errmsg(db)) +
                                               " (in: " + std::string(what) + ")");
}

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw error(db, what);
}

// Unless told otherwise before its first use, SQLite counts every allocation under a global
// mutex, and nothing here reads the counts (the profile in docs/benchmarks.md). Best effort: the
// setting is refused, harmlessly, if something else in the process started SQLite first.
void skip_memory_statistics() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

sqlite3* open_connection(const std::string& path) {
  sqlite3* db = nullptr;
  // NOMUTEX: a connection belongs to one thread at a time (sqlite.h), so SQLite need not lock it
  // on every call, which it otherwise does around each bind, step and column read.
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw DynamoError(ErrorType::kInternal, "cannot open " + path + ": " + message);
  }
  // A second process (sqlite3 on the command line) may read while the region writes.
  sqlite3_busy_timeout(db, 5000);
  return db;
}

void exec_on(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, sql);
}

int64_t page_size_of(sqlite3* db) {
  int64_t size = 0;
  auto read = [](void* out, int, char** values, char**) {
    *static_cast<int64_t*>(out) = std::strtoll(values[0], nullptr, 10);
    return 0;
  };
  if (sqlite3_exec(db, "PRAGMA page_size", read, &size, nullptr) != SQLITE_OK) {
    fail(db, "PRAGMA page_size");
  }
  return size;
}

// Copies every page of `from` into `to` (SQLite's online backup, in one step). Returns false, with
// the error on `to`, when it cannot.
bool copy_pages(sqlite3* from, sqlite3* to) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (!backup) return false;
  sqlite3_backup_step(backup, -1);
  return sqlite3_backup_finish(backup) == SQLITE_OK;
}

}  // namespace

Database::Database(const std::string& path, Residence residence) {
  skip_memory_statistics();
  if (residence == Residence::kFile) {
    db_ = open_connection(path);
    return;
  }
  file_ = open_connection(path);
  try {
    // The exclusive lock, once taken, is held until the connection closes. No journal on disk and
    // no sync: the file is written once, whole, as the Database closes (file_mode.h says what a
    // private file gives up).
    exec_on(file_,
            "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; "
            "PRAGMA synchronous = OFF; BEGIN EXCLUSIVE; COMMIT");
    db_ = open_connection(":memory:");
    // An in-memory copy cannot change its page size once it holds the file's pages.
    exec_on(db_, "PRAGMA page_size = " + std::to_string(page_size_of(file_)));
    if (!copy_pages(file_, db_)) fail(db_, "copying " + path + " into memory");
  } catch (...) {
    sqlite3_close(db_);
    sqlite3_close(file_);
    throw;
  }
}

Database::~Database() {
  // A grouped file's last transactions were committed to their callers: they must reach it.
  if (group_size_ != 0 && sqlite3_get_autocommit(db_) == 0) {
    char* error = nullptr;
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, &error) != SQLITE_OK) {
      std::fprintf(stderr, "gtsim: SQLite: cannot commit on close: %s\n",
                   error ? error : "unknown error");
      sqlite3_free(error);
    }
  }
  // Statements first: a connection with unfinalized statements stays open as a zombie.
  begin_.reset();
  commit_.reset();
  savepoint_.reset();
  release_.reset();
  if (file_ && !copy_pages(db_, file_)) {
    std::fprintf(stderr,
                 "gtsim: SQLite: the file's pages, held in memory, cannot be written back to it, "
                 "so the process stops rather than lose acknowledged writes: %s\n",
                 sqlite3_errmsg(file_));
    std::fflush(stderr);
    std::abort();
  }
  sqlite3_close_v2(db_);
  sqlite3_close_v2(file_);
}

void Database::group_commits(size_t transactions, std::function<void()> before_group_commit) {
  GTSIM_CHECK(transactions > 0 && sqlite3_get_autocommit(db_) != 0,
              "group_commits needs a group size and no open transaction");
  group_size_ = transactions;
  before_group_commit_ = std::move(before_group_commit);
}

void Database::commit_group() {
  GTSIM_CHECK(group_size_ != 0, "commit_group on a file whose transactions commit alone");
  grouped_ = 0;
  if (sqlite3_get_autocommit(db_) != 0) return;
  try {
    if (before_group_commit_) before_group_commit_();
    run_cached(commit_, "COMMIT");
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "gtsim: a group of transactions that were acknowledged cannot be committed, so "
                 "the process stops: %s\n",
                 e.what());
    std::fflush(stderr);
    std::abort();
  }
}

void Database::run_cached(std::unique_ptr<Statement>& statement, std::string_view sql) {
  if (!statement) statement = std::make_unique<Statement>(*this, sql);
  statement->run();
}

void Database::begin(Undo undo) {
  if (group_size_ == 0) {
    run_cached(begin_, "BEGIN IMMEDIATE");
    return;
  }
  // The full group commits here rather than as its last transaction ends, so that its hook sees
  // what that transaction's caller did once it had committed.
  if (grouped_ >= group_size_) commit_group();
  // EXCLUSIVE, not at the group's commit: from a reopened file's first write on, no other
  // connection may read it (locking_mode = EXCLUSIVE then keeps the lock), as without groups.
  if (sqlite3_get_autocommit(db_) != 0) run_cached(begin_, "BEGIN EXCLUSIVE");
  savepoint_open_ = undo == Undo::kAlone;
  if (savepoint_open_) run_cached(savepoint_, "SAVEPOINT grouped");
  changes_at_begin_ = sqlite3_total_changes64(db_);
}

void Database::commit() {
  if (group_size_ == 0) {
    run_cached(commit_, "COMMIT");
    return;
  }
  if (savepoint_open_) run_cached(release_, "RELEASE grouped");
  savepoint_open_ = false;
  ++grouped_;
}

void Database::rollback() noexcept {
  // Errors are ignored: SQLite may already have rolled back (a failed COMMIT, a full disk).
  if (group_size_ == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return;
  }
  if (savepoint_open_) {
    savepoint_open_ = false;
    sqlite3_exec(db_, "ROLLBACK TO grouped; RELEASE grouped", nullptr, nullptr, nullptr);
    return;
  }
  // Undo::kChecksFirst: refused before its first write, there is nothing to undo.
  if (sqlite3_total_changes64(db_) == changes_at_begin_) return;
  // The group's first transaction: the outer one holds nothing else, and goes with it.
  if (grouped_ == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return;
  }
  std::fprintf(stderr,
               "gtsim: a write failed after it changed a file whose transactions commit in "
               "groups; it cannot be undone without its group's acknowledged transactions, so the "
               "process stops (SQLite's last error: %s)\n",
               sqlite3_errmsg(db_));
  std::fflush(stderr);  // unbuffered, unless redirected to a file
  std::abort();
}

void Database::exec(std::string_view sql) {
  exec_on(db_, std::string(sql));
}

int64_t Database::query_int(std::string_view sql) {
  Statement s(*this, sql);
  return s.step() ? s.column_int(0) : 0;
}

int64_t Database::changes() const {
  return sqlite3_changes64(db_);
}

Statement::Statement(Database& db, std::string_view sql) : db_(db), sql_(sql) {
  if (sqlite3_prepare_v2(db.handle(), sql_.c_str(), static_cast<int>(sql_.size()), &stmt_,
                         nullptr) != SQLITE_OK) {
    fail(db.handle(), sql_);
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail_and_reset();
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  return bind_text(index, text, SQLITE_TRANSIENT);
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_held(int index, std::string_view text) {
  return bind_text(index, text, SQLITE_STATIC);
}

Statement& Statement::bind_held(int index, const std::optional<std::string>& text) {
  return text ? bind_held(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_text(int index, std::string_view text, void (*destructor)(void*)) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), destructor) !=
      SQLITE_OK) {
    fail_and_reset();
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail_and_reset();
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail_and_reset();
}

void Statement::fail_and_reset() {
  // The caller's next use may not bind every parameter again: none may point at its texts.
  DynamoError failure = error(db_.handle(), sql_);
  reset();
  throw failure;
}

void Statement::run() {
  try {
    step();
  } catch (...) {
    reset();
    throw;
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string Statement::column_text(int index) const {
  return std::string(column_view(index));
}

std::string_view Statement::column_view(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  return text ? std::string_view(reinterpret_cast<const char*>(text),
                                 static_cast<size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string_view();
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::optional<std::string> Statement::column_optional_text(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_text(index);
}

Transaction::Transaction(Database& db, Undo undo) : db_(db) {
  db_.begin(undo);
}

Transaction::~Transaction() {
  if (!done_) db_.rollback();
}

void Transaction::commit() {
  db_.commit();
  done_ = true;
}

}  // namespace gtsim::sql
