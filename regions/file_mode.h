// FileMode: how a region's SQLite file is opened, by who may read it while the region runs and by
// what kind of crash its commits must survive.
//
// Thread-safety: a value type.
#pragma once

namespace gtsim {

enum class FileMode {
  // A region process (`gtsim region`): WAL with synchronous = NORMAL, so a commit survives the
  // process being killed at any moment and the file stays valid if the host loses power; normal
  // locking, so sqlite3 or gtsim may read the file while the region runs; WAL checkpoints off the
  // writer's thread (checkpointer.h).
  kShared,
  // A simulated region (deterministic mode, sim/sim_cluster.h): the file's pages live in memory
  // while the region runs (sql::Residence::kMemory), copied from the file as it opens and back
  // into it, whole, as it closes, with the file locked exclusively in between; transactions
  // commit in groups (sql::Database::group_commits), the rollback journal in memory. No page is
  // read or written through the file while the region runs. A simulated crash ends the region's
  // objects between two events, never inside a commit, and closing them commits the last group
  // and writes the file, so every commit survives the crash as under kShared. Given up: the
  // file's state if the gtsim process itself is killed or the machine loses power (the file is
  // then as the region opened it, or damaged if it died while writing it back), which no scenario
  // models: a deterministic run that dies is replayed from its seed, not resumed. Also: memory
  // for each region's whole file (docs/deterministic-mode.md).
  kPrivate,
};

}  // namespace gtsim
