#include "regions/sqlite.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "model/errors.h"
#include "regions/schema.h"
#include "tests/support/temp_dir.h"

using namespace gtsim;
using namespace gtsim::testing;

namespace {

void create_table(sql::Database& db) {
  db.exec("PRAGMA locking_mode = EXCLUSIVE");
  db.exec("PRAGMA journal_mode = MEMORY");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
}

// Inserts `id` in its own transaction; with `fail`, throws before committing it.
void insert(sql::Database& db, int64_t id, bool fail = false) {
  sql::Transaction txn(db);
  sql::Statement(db, "INSERT INTO t (id) VALUES (?1)").bind(1, id).run();
  if (fail) throw std::runtime_error("refused");
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
    CHECK_THROWS_AS(insert(db, 2, true), std::runtime_error);
    CHECK_FALSE(in_transaction(db));
    CHECK(db.query_int("SELECT COUNT(*) FROM t") == 1);
  }
  CHECK(rows_in(path) == 1);
}

TEST_CASE("grouped commits keep each transaction and roll back a failed one alone") {
  TempDir dir;
  const std::string path = dir.file("grouped.db");
  {
    sql::Database db(path);
    create_table(db);
    db.group_commits(3);
    insert(db, 1);
    CHECK_THROWS_AS(insert(db, 2, true), std::runtime_error);
    insert(db, 3);
    CHECK(in_transaction(db));  // two of a group of three
    CHECK(db.query_int("SELECT COUNT(*) FROM t") == 2);
    insert(db, 4);
    CHECK_FALSE(in_transaction(db));  // the group committed
    insert(db, 5);
    CHECK(in_transaction(db));
  }
  // Closing committed the unfinished group.
  CHECK(rows_in(path) == 4);
  sql::Database reopened(path);
  CHECK(reopened.query_int("SELECT COUNT(*) FROM t WHERE id = 2") == 0);
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

TEST_CASE("region files are prepared without zeroing freed space, in either file mode") {
  TempDir dir;
  for (FileMode mode : {FileMode::kShared, FileMode::kPrivate}) {
    const std::string path = dir.file(mode == FileMode::kShared ? "shared.db" : "private.db");
    sql::Database db(path);
    CHECK(schema::prepare(db, path, "us-east-1", mode) == "us-east-1");
    CHECK(db.query_int("PRAGMA secure_delete") == 0);
  }
}
