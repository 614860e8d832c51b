// Runs part of a test in a forked child: for what ends a process (an abort on a broken invariant),
// which the test could not otherwise observe and outlive.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

namespace gtsim::testing {

// Forks, runs `body` in the child and returns the child's status as waitpid reports it, or -1 if
// the fork or the wait failed. The child exits 0 when `body` returns and 2 when it throws, without
// running the destructors of what the test holds, so the parent's files and directories stay as
// the child left them.
inline int status_of_forked(const std::function<void()>& body) {
  const pid_t child = ::fork();
  if (child < 0) return -1;
  if (child == 0) {
    try {
      body();
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  int status = 0;
  return ::waitpid(child, &status, 0) == child ? status : -1;
}

// Whether a status of status_of_forked is that of an abort.
inline bool aborted(int status) {
  return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

}  // namespace gtsim::testing
