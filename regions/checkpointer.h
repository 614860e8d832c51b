// Checkpointer: copies a WAL-mode SQLite file's write-ahead log back into the database file from
// a background thread, so that the connection that writes does not stall on checkpoints.
//
// Why: SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages,
// on the writer's thread; with synchronous = NORMAL it syncs the WAL, copies the pages and syncs
// the database file: several milliseconds, every few hundred milliseconds at 1,000 writes/s, in
// which a region process's single thread answers nothing (the lag tail in docs/benchmarks.md).
//
// Contract: construction turns off the writer connection's automatic checkpoint and installs a WAL
// hook on it. The hook, run by SQLite after each of the writer's commits, does what
// action_after_commit() says. The thread runs PASSIVE checkpoints on its own connection to the
// same file: they take no lock a writer or a reader waits for, and copy only what no reader still
// needs. SQLite starts the WAL over at the first write transaction that finds all of it copied,
// which needs a checkpoint that no commit follows before it ends. So, in the last `wal_pages`
// pages before the hard limit, the thread is woken after every commit: each checkpoint then copies
// only what a few commits added, so it is short, and the first pause in the writes longer than
// one lets the WAL start over. A writer that never pauses that long still reaches the hard limit,
// kHardLimitFactor * `wal_pages` pages, where it runs a PASSIVE checkpoint itself in the hook, as
// SQLite's automatic one would, after waiting for the thread's checkpoint in progress: the WAL
// stays bounded. That stall (7 – 50 ms here, every 0.8 s at 1,000 writes/s) was the lag tail at
// L > 0 before the thread was woken this way (docs/benchmarks.md, twenty-first round). Durability
// is SQLite's own: the file is valid at whatever moment the process is killed.
//
// Requires: the file in WAL mode and normal (not exclusive) locking, so that a second connection
// can open it.
// Thread-safety: `writer` stays its owner's: the hook runs on that thread, inside its commits, and
// touches only this object (and, at the hard limit, checkpoints through `writer`); the thread uses
// its own connection only. Construct and destroy on the writer's thread. Shutdown: the destructor
// stops and joins the thread (waiting for a checkpoint in progress), closes its connection and
// gives the writer SQLite's default automatic checkpoint back, so `writer` may outlive this object;
// destroy it before `writer`. The connection closed last checkpoints what remains, as SQLite always
// does. Errors: the constructor throws DynamoError(kInternal) when the file cannot be opened. A
// checkpoint that fails (SQLITE_BUSY while another one runs) is tried again at the next wake-up.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "regions/sqlite.h"

namespace gtsim::sql {

class Checkpointer {
 public:
  // SQLite's own automatic checkpoint threshold.
  static constexpr int kDefaultWalPages = 1000;
  static constexpr int kHardLimitFactor = 4;

  // What the hook does after a commit that leaves `wal_frames` frames in the WAL, when the
  // thread's last checkpoint started with `copied_frames` in it (0 once the WAL started over).
  enum class AfterCommit { kNothing, kWakeThread, kCheckpointHere };
  static AfterCommit action_after_commit(int wal_frames, int copied_frames, int wal_pages);

  Checkpointer(Database& writer, const std::string& path, int wal_pages = kDefaultWalPages);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Checkpoints the thread has completed so far.
  uint64_t completed() const { return completed_.load(); }

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_frames);
  void run();

  Database& writer_;
  const int wal_pages_;
  std::unique_ptr<Database> own_;
  // The WAL's length in frames when the thread's last checkpoint started: what it has copied.
  std::atomic<int> copied_frames_{0};
  std::atomic<uint64_t> completed_{0};
  std::mutex checkpointing_;  // held through each checkpoint, the thread's or the writer's
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;  // guarded by mutex_
  bool stopping_ = false;   // guarded by mutex_
  std::thread thread_;      // last: started once everything above exists
};

}  // namespace gtsim::sql
