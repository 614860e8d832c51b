// What a benchmark spends: wall-clock time, CPU time, peak memory, disk.
//
// Errors: run_in_child throws DynamoError(kInternal) when the child cannot be forked or does not
// exit cleanly (its own output says why). The readers return -1 for what cannot be read.
// Thread-safety: run_in_child forks; call it while this process runs one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gtsim::bench {

// Seconds of wall-clock (steady) time since construction.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Peak resident set size (VmHWM) of a live process, in bytes.
int64_t peak_rss_bytes(int pid);
// CPU time (user and system, all threads) a live process has used so far, in seconds, from
// /proc/PID/stat: the kernel counts it in clock ticks (10 ms here), so measure spans of seconds.
// -1 when it cannot be read (no such process).
double process_cpu_seconds(int pid);
// The CPUs this process may run on (its affinity mask, which containers narrow), at least 1.
int usable_cpus();
// Bytes a SQLite file takes on disk, its write-ahead log included.
int64_t sqlite_file_bytes(const std::string& path);
// What a forked child measured, and what it cost.
struct ChildRun {
  std::vector<double> figures;  // what the child's body returned
  int64_t peak_rss_bytes = -1;
};

// Runs `body` in a forked child and returns the figures it returned with the child's peak resident
// set size, so that one benchmark's memory is not mixed with what this process held before. The
// child's figure includes the pages it inherited still resident: a few MB for gtsim itself, and
// under tcmalloc the small objects earlier benchmarks freed into its caches, which it does not
// hand back. The figures come back through a pipe, since the child's memory dies with it.
ChildRun run_in_child(const std::function<std::vector<double>()>& body);

std::string megabytes(int64_t bytes);

// The allocator serving malloc in this process, for the figures' header: "tcmalloc (gperftools
// 2.10)" when gtsim links tcmalloc (CMakeLists.txt, GTSIM_TCMALLOC), else "the default malloc"
// (the C library's, or a sanitizer's). Figures under different allocators are not comparable.
std::string allocator_name();

}  // namespace gtsim::bench
