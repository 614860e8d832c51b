#include "replicator/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "model/errors.h"

namespace gtsim::replication {

uint16_t free_loopback_port() {
  // Picked below Linux's default ephemeral range (32768 - 60999), where the OS takes the source
  // ports of outgoing connections and the ports bound to 0: a port from there can be taken by
  // another process's connection before the region process meant to listen on it binds it.
  constexpr int kFirst = 20000;
  constexpr int kLast = 32767;
  thread_local std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pick(kFirst, kLast);
  const auto loopback = boost::asio::ip::make_address("127.0.0.1");
  boost::asio::io_context io;
  for (int attempt = 0; attempt < 64; ++attempt) {
    const auto port = static_cast<uint16_t>(pick(rng));
    boost::asio::ip::tcp::acceptor acceptor(io);
    boost::system::error_code error;
    acceptor.open(boost::asio::ip::tcp::v4(), error);
    if (!error) acceptor.bind({loopback, port}, error);
    if (!error) return port;
  }
  // That range is all in use: let the OS choose.
  boost::asio::ip::tcp::acceptor acceptor(io, boost::asio::ip::tcp::endpoint(loopback, 0));
  return acceptor.local_endpoint().port();
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path) {
  GTSIM_CHECK(!argv.empty());
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<std::string> args = argv;
  std::vector<char*> pointers;
  for (std::string& a : args)
    pointers.push_back(a.data());
  pointers.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    throw DynamoError(ErrorType::kInternal, std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log >= 0) {
      ::dup2(log, 1);
      ::dup2(log, 2);
    }
    ::execv(pointers[0], pointers.data());
    ::_exit(127);
  }
  pid_ = pid;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    kill();
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  kill();
}

bool ChildProcess::exited() {
  if (pid_ <= 0) return true;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return true;
  }
  return false;
}

void ChildProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace gtsim::replication
