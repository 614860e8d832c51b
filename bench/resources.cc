#include "bench/resources.h"

#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/core.h>

#include "model/errors.h"

// tcmalloc's extension API, there when the executable links tcmalloc (GTSIM_TCMALLOC in
// CMakeLists.txt). Weak, so that the benchmarks run under whatever allocator gtsim has.
extern "C" {
const char* tc_version(int* major, int* minor, const char** patch) __attribute__((weak));
int MallocExtension_GetNumericProperty(const char* property, size_t* value) __attribute__((weak));
void MallocExtension_ReleaseFreeMemory() __attribute__((weak));
}

namespace gtsim::bench {

std::string allocator_name() {
  if (tc_version == nullptr) return "the default malloc";
  // Linked is not enough: tcmalloc serves malloc only if it comes before the C library.
  const std::string version = tc_version(nullptr, nullptr, nullptr);
  size_t allocated = 0;
  if (MallocExtension_GetNumericProperty != nullptr &&
      MallocExtension_GetNumericProperty("generic.current_allocated_bytes", &allocated) &&
      allocated > 0) {
    return "tcmalloc (" + version + ")";
  }
  return "the default malloc (tcmalloc of " + version + " is linked but does not serve it)";
}

int64_t peak_rss_bytes(int pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // "... kB"
  }
  return -1;
}

double process_cpu_seconds(int pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(stat, line)) return -1;
  // Field 2, the command name, is in parentheses and may hold spaces: count fields after it.
  const size_t name_end = line.rfind(')');
  if (name_end == std::string::npos) return -1;
  std::istringstream fields(line.substr(name_end + 1));
  std::string skipped;
  for (int field = 3; field < 14; ++field)
    fields >> skipped;
  int64_t user_ticks = -1;
  int64_t system_ticks = -1;
  if (!(fields >> user_ticks >> system_ticks)) return -1;  // fields 14 and 15
  return double(user_ticks + system_ticks) / double(::sysconf(_SC_CLK_TCK));
}

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

int64_t sqlite_file_bytes(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  int64_t total = 0;
  for (const std::string& file : {path, path + "-wal"}) {
    auto size = fs::file_size(file, error);
    if (!error) total += static_cast<int64_t>(size);
  }
  return total > 0 ? total : -1;
}

namespace {

// Writes all of `bytes` to `fd`; false if the pipe broke.
bool write_all(int fd, const char* bytes, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

std::string read_to_end(int fd) {
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace

ChildRun run_in_child(const std::function<std::vector<double>()>& body) {
  std::fflush(stdout);
  // The child's resident set starts with the pages it shares with this process: hand the heap
  // earlier benchmarks freed back to the kernel first, so that they are not counted.
  ::malloc_trim(0);
  if (MallocExtension_ReleaseFreeMemory != nullptr) MallocExtension_ReleaseFreeMemory();
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw DynamoError(ErrorType::kInternal, "cannot open a pipe to a benchmark child");
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw DynamoError(ErrorType::kInternal, "cannot fork a benchmark child");
  }
  if (pid == 0) {
    ::close(pipe_fds[0]);
    int status = 0;
    try {
      const std::vector<double> figures = body();
      if (!write_all(pipe_fds[1], reinterpret_cast<const char*>(figures.data()),
                     figures.size() * sizeof(double))) {
        status = 3;
      }
    } catch (const std::exception& e) {
      fmt::print(stderr, "gtsim bench: {}\n", e.what());
      status = 2;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    ::_exit(status);
  }
  ::close(pipe_fds[1]);
  const std::string bytes = read_to_end(pipe_fds[0]);
  ::close(pipe_fds[0]);
  int status = 0;
  struct rusage usage = {};
  if (::wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw DynamoError(ErrorType::kInternal, "a benchmark child failed");
  }
  ChildRun run;
  run.figures.resize(bytes.size() / sizeof(double));
  if (!run.figures.empty()) {  // an empty vector's data() may be null, which memcpy refuses
    std::memcpy(run.figures.data(), bytes.data(), run.figures.size() * sizeof(double));
  }
  run.peak_rss_bytes = static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
  return run;
}

std::string megabytes(int64_t bytes) {
  return bytes < 0 ? "unknown" : fmt::format("{:.1f} MB", double(bytes) / (1 << 20));
}

}  // namespace gtsim::bench
