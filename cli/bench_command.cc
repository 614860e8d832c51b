// gtsim bench: the benchmark suite (bench/), in a work directory of its own.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/resources.h"
#include "bench/suite.h"
#include "cli/commands.h"
#include "cli/run_setup.h"
#include "model/errors.h"

namespace gtsim {
namespace {

namespace fs = std::filesystem;

struct BenchArgs {
  std::vector<std::string> names;
  bool quick = false;  // the default; accepted to say so
  bool full = false;
  double scale = 1;
  std::string dir;
  bool keep = false;
};

void run_bench(const BenchArgs& args) {
  bench::BenchContext context;
  context.sizes = (args.full ? bench::BenchSizes::full() : bench::BenchSizes::quick());
  if (args.scale != 1) context.sizes = context.sizes.scaled(args.scale);
  const fs::path dir = make_run_dir("bench", args.dir, "bench");
  context.work_dir = dir.string();
  context.binary = fs::read_symlink("/proc/self/exe").string();
  fmt::print("gtsim bench ({}{}) in {}, allocator: {}\n", args.full ? "--full" : "--quick",
             args.scale != 1 ? fmt::format(" --scale {}", args.scale) : "", dir.string(),
             bench::allocator_name());
  try {
    bench::run_suite(context, args.names);
  } catch (const DynamoError& e) {
    fmt::print(stderr, "gtsim bench: {}\n", e.what());
    throw CLI::RuntimeError(2);
  }
  if (args.keep) return;
  std::error_code error;
  fs::remove_all(dir, error);
  if (error)
    fmt::print(stderr, "gtsim bench: could not remove {}: {}\n", dir.string(), error.message());
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  std::string names;
  for (const bench::BenchInfo& b : bench::benchmarks())
    names += fmt::format("\n  {:<14} {}", b.name, b.summary);
  CLI::App* command = app.add_subcommand(
      "bench", "Benchmarks, each figure beside its baseline measured in the same run:" + names);
  command->add_option("NAME", args->names, "benchmarks to run (default: all)");
  CLI::Option* quick = command->add_flag("--quick", args->quick,
                                         "quick sizes (the default): a few minutes on two cores");
  command->add_flag("--full", args->full, "the sizes the targets are stated for")->excludes(quick);
  command->add_option("--scale", args->scale, "multiply every count and duration by this")
      ->check(CLI::PositiveNumber);
  command->add_option("--dir", args->dir,
                      "work directory, on the disk to measure (new or empty; default "
                      "runs/bench-<timestamp>)");
  command->add_flag("--keep", args->keep, "keep the work directory (region files, histories)");
  command->callback([args] { run_bench(*args); });
}

}  // namespace gtsim
