// A minimal Chrome DevTools Protocol client for tests: starts Debian's chromium headless with a
// fresh profile, speaks CDP over --remote-debugging-pipe (NUL-separated JSON on fds 3 and 4), and
// records every event it receives, so a test can load a page and then ask what it logged and
// fetched.
//
// Every wait is bounded; a protocol error or a timeout throws std::runtime_error.
// Thread-safety: one owner.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gtsim::viz::testing {

class HeadlessChromium {
 public:
  // Starts chromium with `profile_dir` as its user data directory (it must be empty or absent).
  explicit HeadlessChromium(const std::string& profile_dir);
  ~HeadlessChromium();
  HeadlessChromium(const HeadlessChromium&) = delete;
  HeadlessChromium& operator=(const HeadlessChromium&) = delete;

  // Sends a command (to a page when `session` is set) and returns its result.
  nlohmann::json call(const std::string& method,
                      const nlohmann::json& params = nlohmann::json::object(),
                      const std::string& session = "");
  // Waits until an event named `method` has arrived (it may have already).
  void wait_for(const std::string& method);
  const std::vector<nlohmann::json>& events() const { return events_; }

 private:
  nlohmann::json read_message();

  pid_t pid_ = -1;
  int to_browser_ = -1, from_browser_ = -1;
  int next_id_ = 1;
  std::string buffer_;
  std::vector<nlohmann::json> events_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace gtsim::viz::testing
