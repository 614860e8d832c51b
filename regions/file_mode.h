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
  // A simulated region (deterministic mode, sim/sim_cluster.h): locking_mode = EXCLUSIVE, the
  // rollback journal in memory, synchronous = OFF, and transactions committed in groups
  // (sql::Database::group_commits), so the file gets each changed page once per group, with no
  // sync, no lock call and no checkpoint. A simulated crash ends the region's objects between two
  // events, never inside a commit, and the host outlives it: closing the region commits its last
  // group, and the OS, whose page cache outlives any process, has every commit, so each survives
  // the crash as under kShared. Given up: the file's safety if the gtsim process itself is killed
  // or the machine loses power, which no scenario models (a deterministic run that dies is
  // replayed from its seed, not resumed). Nothing else may open the file until the region closes
  // it: the report reads region files once the cluster is gone.
  kPrivate,
};

}  // namespace gtsim
