#include "regions/checkpointer.h"

namespace gtsim::sql {

Checkpointer::Checkpointer(Database& writer, const std::string& path, int wal_pages)
    : writer_(writer), wal_pages_(wal_pages), own_(std::make_unique<Database>(path)) {
  // The checkpoint's syncs follow the checkpointing connection's setting: the writer's.
  own_->exec("PRAGMA synchronous = NORMAL");
  sqlite3_wal_autocheckpoint(writer_.handle(), 0);
  sqlite3_wal_hook(writer_.handle(), &Checkpointer::on_commit, this);
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  own_.reset();
  sqlite3_wal_autocheckpoint(writer_.handle(), kDefaultWalPages);  // replaces the hook
}

Checkpointer::AfterCommit Checkpointer::action_after_commit(int wal_frames, int copied_frames,
                                                            int wal_pages) {
  if (wal_frames >= kHardLimitFactor * wal_pages) return AfterCommit::kCheckpointHere;
  if (wal_frames - copied_frames >= wal_pages) return AfterCommit::kWakeThread;
  // Near the hard limit: a checkpoint of what is left, in the hope of one that ends in a pause.
  const bool near_limit = wal_frames >= (kHardLimitFactor - 1) * wal_pages;
  if (near_limit && wal_frames > copied_frames) return AfterCommit::kWakeThread;
  return AfterCommit::kNothing;
}

int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_frames) {
  auto& c = *static_cast<Checkpointer*>(self);
  int copied = c.copied_frames_.load();
  if (wal_frames < copied) {
    // The WAL started over: nothing in it is copied yet.
    c.copied_frames_.compare_exchange_strong(copied, 0);
    copied = 0;
  }
  const AfterCommit action = action_after_commit(wal_frames, copied, c.wal_pages_);
  if (action == AfterCommit::kCheckpointHere) {
    // A checkpoint in progress would make this one return SQLITE_BUSY at once: wait for it.
    std::lock_guard checkpointing(c.checkpointing_);
    int log_frames = 0;
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log_frames, nullptr) ==
        SQLITE_OK) {
      c.copied_frames_.store(log_frames);
    }
  } else if (action == AfterCommit::kWakeThread) {
    {
      std::lock_guard lock(c.mutex_);
      c.requested_ = true;
    }
    c.wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    {
      std::lock_guard checkpointing(checkpointing_);
      int log_frames = 0;
      if (sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                    nullptr) == SQLITE_OK) {
        copied_frames_.store(log_frames);
        ++completed_;
      }
    }
    lock.lock();
  }
}

}  // namespace gtsim::sql
