#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "regions/checkpointer.h"
#include "regions/sqlite.h"
#include "tests/support/temp_dir.h"

using namespace gtsim;
using namespace gtsim::testing;

namespace {

constexpr int kWalPages = 50;

// A WAL-mode file with one table; each write() commits a row of about one page.
struct WalFile {
  explicit WalFile(const TempDir& dir) : path(dir.file("wal.db")), db(path) {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
  }
  void write(int transactions) {
    sql::Statement insert(db, "INSERT INTO t (payload) VALUES (?1)");
    for (int i = 0; i < transactions; ++i) {
      sql::Transaction txn(db);
      insert.bind(1, std::string(3000, 'x')).run();
      txn.commit();
    }
  }
  // The WAL's size in frames, the most it ever held: SQLite reuses the file from its start.
  int64_t wal_frames() const {
    const int64_t size = int64_t(std::filesystem::file_size(path + "-wal"));
    return (size - 32) / (4096 + 24);
  }

  std::string path;
  sql::Database db;
};

}  // namespace

TEST_CASE("the checkpointer's thread checkpoints once the WAL passes its threshold") {
  TempDir dir;
  WalFile file(dir);
  sql::Checkpointer checkpointer(file.db, file.path, kWalPages);
  const auto size_before = std::filesystem::file_size(file.path);
  file.write(kWalPages * 2);  // below the limit at which the writer checkpoints itself
  // Waits for the thread; the time taken is not what is tested.
  for (int i = 0; i < 6000 && checkpointer.completed() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(checkpointer.completed() >= 1);
  // What was copied is in the database file itself, read without the WAL's help.
  CHECK(std::filesystem::file_size(file.path) > size_before);
}

TEST_CASE("under writes without pauses the WAL stays bounded") {
  TempDir dir;
  WalFile file(dir);
  sql::Checkpointer checkpointer(file.db, file.path, kWalPages);
  file.write(kWalPages * sql::Checkpointer::kHardLimitFactor * 10);
  // The limit plus the frames of the commits until the WAL starts over.
  CHECK(file.wal_frames() <= kWalPages * sql::Checkpointer::kHardLimitFactor + 10);
  CHECK(file.db.query_int("SELECT COUNT(*) FROM t") ==
        kWalPages * sql::Checkpointer::kHardLimitFactor * 10);
}

TEST_CASE("a writer that outlives its checkpointer checkpoints itself again") {
  TempDir dir;
  WalFile file(dir);
  { sql::Checkpointer checkpointer(file.db, file.path, kWalPages); }
  file.write(sql::Checkpointer::kDefaultWalPages * 3);
  CHECK(file.wal_frames() <= sql::Checkpointer::kDefaultWalPages + 10);
}
