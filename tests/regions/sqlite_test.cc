#include "regions/sqlite.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "model/errors.h"
#include "regions/schema.h"
#include "tests/support/forked.h"
#include "tests/support/temp_dir.h"

using namespace gtsim;
using namespace gtsim::testing;

namespace {

// Group commits are for a file no other connection opens (Database::group_commits): these
// tests set theirs up as sql::Residence::kMemory sets up the file it holds.
void use_privately(sql::Database& db) {
  db.exec("PRAGMA locking_mode = EXCLUSIVE");
  db.exec("PRAGMA journal_mode = MEMORY");
}

void create_table(sql::Database& db) {
  use_privately(db);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
}

enum class Refusal { kNone, kBeforeWrite, kAfterWrite };

// Inserts `id` in its own transaction, undone as `undo` says if it is refused.
void insert(sql::Database& db, int64_t id, Refusal refusal = Refusal::kNone,
            sql::Undo undo = sql::Undo::kAlone) {
  sql::Transaction txn(db, undo);
  if (refusal == Refusal::kBeforeWrite) throw std::runtime_error("refused");
  sql::Statement(db, "INSERT INTO t (id) VALUES (?1)").bind(1, id).run();
  if (refusal == Refusal::kAfterWrite) throw std::runtime_error("refused");
  txn.commit();
}

int64_t rows_in(const std::string& path) {
  sql::Database reader(path);
  return reader.query_int("SELECT COUNT(*) FROM t");
}

bool in_transaction(const sql::Database& db) {
  return sqlite3_get_autocommit(db.handle()) == 0;
}

}  // namespace

TEST_CASE("a transaction that does not commit leaves nothing") {
  TempDir dir;
  const std::string path = dir.file("plain.db");
  {
    sql::Database db(path);
    create_table(db);
    insert(db, 1);
    CHECK_THROWS_AS(insert(db, 2, Refusal::kAfterWrite), std::runtime_error);
    CHECK_FALSE(in_transaction(db));
    CHECK(db.query_int("SELECT COUNT(*) FROM t") == 1);
  }
  CHECK(rows_in(path) == 1);
}

TEST_CASE("grouped commits keep each transaction and roll back a refused one alone") {
  // With a savepoint, a transaction refused after its write; without (Undo::kChecksFirst), one
  // refused before it.
  const std::pair<sql::Undo, Refusal> cases[] = {{sql::Undo::kAlone, Refusal::kAfterWrite},
                                                 {sql::Undo::kChecksFirst, Refusal::kBeforeWrite}};
  for (auto [undo, refusal] : cases) {
    CAPTURE(static_cast<int>(undo));
    TempDir dir;
    const std::string path = dir.file("grouped.db");
    {
      sql::Database db(path);
      create_table(db);
      std::vector<int64_t> rows_at_group_commit;
      db.group_commits(
          3, [&] { rows_at_group_commit.push_back(db.query_int("SELECT COUNT(*) FROM t")); });
      insert(db, 1, Refusal::kNone, undo);
      CHECK_THROWS_AS(insert(db, 2, refusal, undo), std::runtime_error);
      insert(db, 3, Refusal::kNone, undo);
      insert(db, 4, Refusal::kNone, undo);
      CHECK(db.query_int("SELECT COUNT(*) FROM t") == 3);
      CHECK(rows_at_group_commit.empty());  // the full group waits for the next transaction
      insert(db, 5, Refusal::kNone, undo);
      CHECK(rows_at_group_commit == std::vector<int64_t>{3});
      CHECK(in_transaction(db));  // the next group's
    }
    // Closing committed the unfinished group, without the hook (its owner may be gone).
    CHECK(rows_in(path) == 4);
    sql::Database reopened(path);
    CHECK(reopened.query_int("SELECT COUNT(*) FROM t WHERE id = 2") == 0);
  }
}

TEST_CASE("a full group reaches the file as the next transaction begins, or on commit_group") {
  TempDir dir;
  const std::string path = dir.file("group-durable.db");
  {
    sql::Database db(path);
    create_table(db);
  }
  // A process that dies keeps exactly the groups that committed.
  const auto rows_after_dying = [&](int inserts, bool commit_group_at_end) {
    const int status = status_of_forked([&] {
      auto* db = new sql::Database(path);  // never closed: the child dies with it open
      use_privately(*db);
      db->group_commits(2);
      for (int id = 1; id <= inserts; ++id)
        insert(*db, id);
      if (commit_group_at_end) db->commit_group();
    });
    REQUIRE(status == 0);
    const int64_t rows = rows_in(path);
    sql::Database(path).exec("DELETE FROM t");
    return rows;
  };
  CHECK(rows_after_dying(2, false) == 0);  // full, but no transaction came after it
  CHECK(rows_after_dying(3, false) == 2);
  CHECK(rows_after_dying(5, false) == 4);
  CHECK(rows_after_dying(3, true) == 3);
}

TEST_CASE("a checked grouped transaction that fails after writing is undone only as the first") {
  TempDir dir;
  const std::string path = dir.file("checks-first-late.db");
  const std::string log = dir.file("stderr.txt");
  {
    sql::Database db(path);
    create_table(db);
  }
  // The group's first may go: undoing it undoes nothing else.
  const int first = status_of_forked([&] {
    sql::Database db(path);
    use_privately(db);
    db.group_commits(3);
    try {
      insert(db, 1, Refusal::kAfterWrite, sql::Undo::kChecksFirst);
    } catch (const std::runtime_error&) {  // refused, as it always is
    }
    insert(db, 2);
    if (db.query_int("SELECT COUNT(*) FROM t") != 1) throw std::logic_error("not undone");
  });
  CHECK(first == 0);
  CHECK(rows_in(path) == 1);
  // A later one may not: undoing it would undo the group's first, acknowledged transaction too.
  const int status = status_of_forked([&] {
    if (std::freopen(log.c_str(), "w", stderr) == nullptr) return;  // then it does not abort
    sql::Database db(path);
    db.group_commits(3);
    insert(db, 3);
    insert(db, 4, Refusal::kAfterWrite, sql::Undo::kChecksFirst);
  });
  CHECK(aborted(status));
  const std::string said = file_text(log);
  CAPTURE(said);
  CHECK(said.find("cannot be undone without its group's acknowledged transactions") !=
        std::string::npos);
}

TEST_CASE("held texts are stored as bound, and a failed step leaves no binding behind") {
  TempDir dir;
  sql::Database db(dir.file("held.db"));
  db.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)");
  sql::Statement put(db, "INSERT INTO kv (k, v) VALUES (?1, ?2)");
  {
    const std::string k = "a", v = "first";
    put.bind_held(1, k).bind_held(2, v).run();
  }
  {
    const std::string k = "a", v = "second";
    put.bind_held(1, k).bind_held(2, v);
    CHECK_THROWS_AS(put.step(), DynamoError);  // "a" is taken
  }
  // The failed step reset the statement: it can be bound again, and the texts that went out of
  // scope are bound no more (the parameter left unbound is NULL).
  const std::string k = "b";
  put.bind_held(1, k).run();
  CHECK(db.query_int("SELECT COUNT(*) FROM kv WHERE k = 'a' AND v = 'first'") == 1);
  CHECK(db.query_int("SELECT COUNT(*) FROM kv WHERE k = 'b' AND v IS NULL") == 1);
  CHECK(db.query_int("SELECT COUNT(*) FROM kv") == 2);
}

TEST_CASE("column views read a row's texts in place, NULL as empty, embedded zeros kept") {
  TempDir dir;
  sql::Database db(dir.file("views.db"));
  db.exec("CREATE TABLE kv (k TEXT, v TEXT)");
  const std::string with_zero("a\0b", 3);
  sql::Statement(db, "INSERT INTO kv (k, v) VALUES (?1, ?2)")
      .bind(1, "k1")
      .bind(2, with_zero)
      .run();
  sql::Statement(db, "INSERT INTO kv (k) VALUES ('k2')").run();
  sql::Statement rows(db, "SELECT k, v FROM kv ORDER BY k");
  REQUIRE(rows.step());
  CHECK(rows.column_view(0) == "k1");
  CHECK(rows.column_view(1) == with_zero);
  CHECK(rows.column_text(1) == with_zero);
  REQUIRE(rows.step());
  CHECK(rows.column_view(0) == "k2");
  CHECK(rows.column_view(1).empty());
  CHECK_FALSE(rows.step());
}

TEST_CASE("region files are prepared without zeroing freed space, in either file mode") {
  TempDir dir;
  for (FileMode mode : {FileMode::kShared, FileMode::kPrivate}) {
    const std::string path = dir.file(mode == FileMode::kShared ? "shared.db" : "private.db");
    sql::Database db(path);
    CHECK(schema::prepare(db, path, "us-east-1", mode) == "us-east-1");
    CHECK(db.query_int("PRAGMA secure_delete") == 0);
  }
}

TEST_CASE("a database kept in memory writes its file only as it closes, at the file's page size") {
  TempDir dir;
  const std::string path = dir.file("resident.db");
  {
    sql::Database db(path);
    db.exec("PRAGMA page_size = 8192");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    insert(db, 1);
  }
  const std::string opened = file_text(path);
  {
    sql::Database db(path, sql::Residence::kMemory);
    CHECK(db.query_int("SELECT COUNT(*) FROM t") == 1);
    insert(db, 2);
    insert(db, 3);
    CHECK(db.query_int("SELECT COUNT(*) FROM t") == 3);
    CHECK(file_text(path) == opened);
  }
  CHECK(rows_in(path) == 3);
  CHECK(sql::Database(path).query_int("PRAGMA page_size") == 8192);
  sql::Database reopened(path, sql::Residence::kMemory);
  CHECK(reopened.query_int("SELECT COUNT(*) FROM t") == 3);
}

TEST_CASE("a database kept in memory holds its file locked until it closes") {
  TempDir dir;
  const std::string path = dir.file("locked.db");
  const auto read_now = [&] {
    sql::Database reader(path);
    reader.exec("PRAGMA busy_timeout = 0");
    return reader.query_int("SELECT COUNT(*) FROM t");
  };
  {
    sql::Database db(path, sql::Residence::kMemory);
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    insert(db, 1);
    CHECK_THROWS_AS(read_now(), DynamoError);
  }
  CHECK(read_now() == 1);
}

TEST_CASE("a database kept in memory that dies unclosed leaves its file as it was opened") {
  TempDir dir;
  const std::string path = dir.file("unclosed.db");
  {
    sql::Database closed(path, sql::Residence::kMemory);
    closed.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    insert(closed, 1);
  }
  const int status = status_of_forked([&] {
    auto* db = new sql::Database(path, sql::Residence::kMemory);  // never closed
    db->group_commits(1);
    insert(*db, 2);
    insert(*db, 3);
    db->commit_group();
  });
  REQUIRE(status == 0);
  CHECK(rows_in(path) == 1);
}
