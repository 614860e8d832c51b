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

TEST_CASE("the checkpointer wakes its thread per threshold, and per commit near the limit") {
  using After = sql::Checkpointer::AfterCommit;
  constexpr int kFactor = sql::Checkpointer::kHardLimitFactor;
  constexpr int kNearLimit = (kFactor - 1) * kWalPages;
  const auto action = [](int wal_frames, int copied_frames) {
    return sql::Checkpointer::action_after_commit(wal_frames, copied_frames, kWalPages);
  };
  // Far from the limit, only a threshold's worth of uncopied pages wakes the thread.
  CHECK(action(kWalPages - 1, 0) == After::kNothing);
  CHECK(action(kWalPages, 0) == After::kWakeThread);
  CHECK(action(kNearLimit - 1, kNearLimit - kWalPages) == After::kNothing);
  // Near it, any uncopied page does: the small checkpoints that let the WAL start over.
  CHECK(action(kNearLimit, kNearLimit - 1) == After::kWakeThread);
  CHECK(action(kNearLimit + 5, kNearLimit + 4) == After::kWakeThread);
  CHECK(action(kNearLimit + 5, kNearLimit + 5) == After::kNothing);
  // At the limit the writer checkpoints, whatever the thread copied.
  CHECK(action(kFactor * kWalPages, kFactor * kWalPages - 1) == After::kCheckpointHere);
  CHECK(action(kFactor * kWalPages + 3, 0) == After::kCheckpointHere);
}
