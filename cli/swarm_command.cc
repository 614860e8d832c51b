// gtsim swarm: random deterministic runs, one per seed, each checked against the invariants of
// deterministic mode (sim/invariants.h).
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/core.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "scenarios/units.h"
#include "sim/swarm.h"

namespace gtsim {
namespace {

struct SwarmArgs {
  std::string seeds = "1..100";
  int regions = 3;
  std::string duration = "5s";
  size_t steps = SIZE_MAX;
};

// "A..B" or a single seed.
std::pair<uint64_t, uint64_t> parse_seed_range(const std::string& text) {
  size_t dots = text.find("..");
  try {
    size_t used = 0;
    uint64_t first = std::stoull(text.substr(0, dots), &used);
    if (used != text.substr(0, dots).size()) throw std::invalid_argument(text);
    if (dots == std::string::npos) return {first, first};
    std::string rest = text.substr(dots + 2);
    uint64_t last = std::stoull(rest, &used);
    if (used != rest.size() || last < first) throw std::invalid_argument(text);
    return {first, last};
  } catch (const std::logic_error&) {
    throw CLI::ValidationError("--seeds",
                               "expected A..B with A <= B, e.g. 1..200, got '" + text + "'");
  }
}

}  // namespace

void add_swarm_command(CLI::App& app) {
  auto args = std::make_shared<SwarmArgs>();
  CLI::App* swarm = app.add_subcommand(
      "swarm",
      "Run random scenarios deterministically, one per seed, and check convergence, the LWW "
      "oracle, lost writes, exactly-once apply, and streams and cursors");
  swarm->add_option("--seeds", args->seeds, "seeds to run, A..B (default 1..100)");
  swarm->add_option("--regions", args->regions, "regions per run, 2 to 6 (default 3)")
      ->check(CLI::Range(2, 6));
  swarm->add_option("--duration", args->duration, "workload and faults per run (default 5s)");
  swarm->add_option("--steps", args->steps, "play only the first N steps of each run (replay)");
  swarm->callback([args] {
    auto [first, last] = parse_seed_range(args->seeds);
    std::optional<int64_t> duration = scenarios::parse_duration(args->duration);
    if (!duration || *duration <= 0) {
      throw CLI::ValidationError("--duration", scenarios::kDurationHint);
    }
    std::string run_dir =
        (std::filesystem::temp_directory_path() / ("gtsim-swarm-" + std::to_string(::getpid())))
            .string();
    auto started = std::chrono::steady_clock::now();
    uint64_t failed = 0, writes = 0;
    int64_t simulated_us = 0;
    for (uint64_t seed = first; seed <= last; ++seed) {
      sim::SwarmOptions options;
      options.seed = seed;
      options.regions = args->regions;
      options.duration_us = *duration;
      sim::SwarmResult result = sim::run_seed(options, run_dir, args->steps);
      writes += result.writes;
      simulated_us += result.simulated_us;
      if (result.violation) {
        ++failed;
        fmt::print("seed {}: FAILED {} (invariant {}): {}\n", seed,
                   sim::invariant_name(result.violation->invariant), result.violation->invariant,
                   result.violation->detail);
        fmt::print("  breaks after step {} of {}: {}\n", result.failing_steps, result.steps,
                   result.failing_step);
        fmt::print("  replay: {}\n", sim::replay_command(options, result));
      }
      if (seed == last) break;  // last may be UINT64_MAX
    }
    double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print(
        "{} seeds, {} passed, {} failed; {} writes; {:.1f} simulated seconds in {:.1f} wall "
        "seconds\n",
        last - first + 1, last - first + 1 - failed, failed, writes, simulated_us / 1e6, wall_s);
    std::fflush(stdout);
    if (failed > 0) throw CLI::RuntimeError(1);
  });
}

}  // namespace gtsim
