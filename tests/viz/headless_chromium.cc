#include "tests/viz/headless_chromium.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace gtsim::viz::testing {
namespace {

// The whole session, from start to close, must fit in this.
constexpr std::chrono::seconds kSessionTimeout{90};

}  // namespace

HeadlessChromium::HeadlessChromium(const std::string& profile_dir)
    : deadline_(std::chrono::steady_clock::now() + kSessionTimeout) {
  int to[2], from[2];
  if (pipe(to) != 0 || pipe(from) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Move the pipe ends out of the way before placing them on fds 3 and 4.
    const int in = fcntl(to[0], F_DUPFD, 10), out = fcntl(from[1], F_DUPFD, 10);
    dup2(in, 3);
    dup2(out, 4);
    const int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    for (int fd = 5; fd < 1024; ++fd)
      close(fd);
    const std::string profile = "--user-data-dir=" + profile_dir;
    execlp("chromium", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--remote-debugging-pipe", profile.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(to[0]);
  close(from[1]);
  to_browser_ = to[1];
  from_browser_ = from[0];
  signal(SIGPIPE, SIG_IGN);
}

HeadlessChromium::~HeadlessChromium() {
  if (to_browser_ >= 0) {
    const std::string close_browser = R"({"id":0,"method":"Browser.close"})";
    (void)!write(to_browser_, close_browser.c_str(), close_browser.size() + 1);
    close(to_browser_);
  }
  if (from_browser_ >= 0) close(from_browser_);
  // Give it a few seconds to exit on its own, then make sure.
  for (int i = 0; i < 50; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    usleep(100000);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

nlohmann::json HeadlessChromium::read_message() {
  for (;;) {
    const size_t end = buffer_.find('\0');
    if (end != std::string::npos) {
      nlohmann::json message = nlohmann::json::parse(buffer_.substr(0, end));
      buffer_.erase(0, end + 1);
      return message;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("chromium did not answer in time");
    pollfd fd{from_browser_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    const ssize_t n = read(from_browser_, chunk, sizeof chunk);
    if (n <= 0) {
      throw std::runtime_error(
          "chromium closed its DevTools pipe (is Debian's chromium installed? scripts/setup "
          "installs it)");
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

nlohmann::json HeadlessChromium::call(const std::string& method, const nlohmann::json& params,
                                      const std::string& session) {
  const int id = next_id_++;
  nlohmann::json command{{"id", id}, {"method", method}, {"params", params}};
  if (!session.empty()) command["sessionId"] = session;
  const std::string text = command.dump();
  if (write(to_browser_, text.c_str(), text.size() + 1) != static_cast<ssize_t>(text.size() + 1))
    throw std::runtime_error("cannot write to chromium");
  for (;;) {
    nlohmann::json message = read_message();
    if (!message.contains("id")) {
      events_.push_back(std::move(message));
      continue;
    }
    if (message["id"] != id) continue;
    if (message.contains("error"))
      throw std::runtime_error(method + " failed: " + message["error"].dump());
    return message["result"];
  }
}

void HeadlessChromium::wait_for(const std::string& method) {
  for (const nlohmann::json& event : events_) {
    if (event.value("method", "") == method) return;
  }
  for (;;) {
    nlohmann::json message = read_message();
    if (message.contains("id")) continue;
    events_.push_back(std::move(message));
    if (events_.back().value("method", "") == method) return;
  }
}

}  // namespace gtsim::viz::testing
