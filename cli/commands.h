// The subcommands of gtsim. Each adds itself to the CLI11 app; a command that fails throws
// CLI::RuntimeError with its exit status, which main() returns.
#pragma once

namespace CLI {
class App;
}

namespace gtsim {

// gtsim check FILE...: validates scenario files without running them. Exit status 0 when all are
// valid, 1 when one is not (its diagnostics on stderr), 2 when one cannot be read.
void add_check_command(CLI::App& app);

// gtsim region --name R --db FILE --peers NAME=ADDRESS,... --secret-file F --run-id ID: one
// region process, serving until SIGINT or SIGTERM. Exit status 1 when its file or an address
// cannot be opened.
void add_region_command(CLI::App& app);

// gtsim swarm [--seeds A..B] [--regions N] [--duration T] [--steps K]: one random deterministic
// run per seed, checked against the invariants of deterministic mode. Prints each failing seed
// with the invariant, the step after which it broke and a replay command. Exit status 0 when every
// seed passed, 1 when one failed.
void add_swarm_command(CLI::App& app);

// gtsim report RUN_DIR [--json]: the summary (or report.json) of a past run, rebuilt from its
// run directory. Exit status 0 when every expectation passed, 1 when one failed, 2 when the run
// directory cannot be read.
void add_report_command(CLI::App& app);

// gtsim run [FILE] [--out DIR] [--quiet] [--json]: validates the scenario (the built-in default
// without FILE), runs it on real region processes in a new run directory, and prints the report.
// Exit status 0 when every expectation passed, 1 when one failed, 2 for a bad file or an
// environment failure (or an interrupted run).
void add_run_command(CLI::App& app);

// gtsim serve [FILE] [--port BASE] [--out DIR] [--credentials FILE] [--quiet]: starts the
// scenario's regions (without FILE, the default scenario's) as region processes with DynamoDB
// endpoints on consecutive ports from BASE, plays the file's steps, takes faults from gtsim fault
// on port BASE - 1, and on SIGINT or SIGTERM stops every region and writes the run's report.
// Exit status 0, 1 when an expectation of the file failed, 2 for a bad file, a port in use or an
// environment failure.
void add_serve_command(CLI::App& app);

// gtsim fault [--port BASE] FAULT...: plays a fault in the gtsim serve started with --port BASE.
// Exit status 0 when it was played, 1 when gtsim serve refused it (its reason on stderr), 2 for
// bad arguments or when no gtsim serve answers.
void add_fault_command(CLI::App& app);

// gtsim explain RUN_DIR KEY [--table T]: the story of one item in a past run (viz/explain.h).
// Exit status 0, or 2 when the run directory cannot be read or KEY names no item of it.
void add_explain_command(CLI::App& app);

// gtsim export RUN_DIR html|shiviz|elle FILE: the run as report.html, a ShiViz log or an Elle
// history (viz/). Exit status 0, or 2 when the run directory cannot be read or FILE written.
void add_export_command(CLI::App& app);

// gtsim bench [NAME...] [--quick|--full] [--scale F] [--dir DIR] [--keep]: the benchmark suite
// (bench/suite.h); each figure is printed beside its baseline, as a ratio, with its target and
// PASS or MISS. Exit status 0 whether targets are met or not, 2 for an unknown benchmark or an
// environment failure.
void add_bench_command(CLI::App& app);

}  // namespace gtsim
