// ChildProcess: a program started by fork/exec that cannot outlive its parent. Orchestrators and
// tests start `gtsim region` processes with it, on ports they hold for it (reserved_port.h).
//
// The child runs in its own process group (a Ctrl-C at the terminal reaches only the parent,
// which then stops its children in order) and asks the kernel for SIGKILL when the parent thread
// that started it dies (PR_SET_PDEATHSIG), so not even a parent killed by SIGKILL leaves it
// behind.
//
// Errors: DynamoError(kInternal) when fork fails; an exec failure shows as the child exiting
// with status 127. Thread-safety: not thread-safe; one owner.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gtsim::replication {

class ChildProcess {
 public:
  ChildProcess() = default;
  // Starts argv[0] (a path) with `argv`, stdout and stderr appended to `log_path`.
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills and reaps the child.
  ~ChildProcess();

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Whether the child has exited (reaping it if so).
  bool exited();
  // SIGKILL and reap; nothing when not started or already reaped.
  void kill();

 private:
  pid_t pid_ = -1;
};

}  // namespace gtsim::replication
