#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/run_directory.h"
#include "model/errors.h"
#include "viz/elle_history.h"
#include "viz/html_report.h"
#include "viz/shiviz_log.h"

namespace gtsim {
namespace {

std::string render(const std::string& format, const OpenedRun& run) {
  const viz::RunIndex index(*run.data);
  if (format == "html") return viz::render_html(run.scenario, run.report, index);
  if (format == "shiviz") return viz::shiviz_log(index, run.report.regions);
  std::string out;
  for (const auto& op : viz::elle_history(run.scenario, index))
    out += (out.empty() ? "[" : ",\n ") + op.dump();
  return (out.empty() ? "[" : out) + "]\n";
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto run_dir = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "export", "Write a past run as report.html, a ShiViz log or a Jepsen Elle history");
  command->add_option("RUN_DIR", *run_dir, "a run directory")->required();
  command
      ->add_option("FORMAT", *format,
                   "html (the run's report page), shiviz (vector-clock log for ShiViz) or elle "
                   "(JSON history for elle-cli --model rw-register)")
      ->required()
      ->check(CLI::IsMember({"html", "shiviz", "elle"}));
  command->add_option("FILE", *file, "where to write it; - for standard output")->required();
  command->callback([run_dir, format, file] {
    with_run_directory("export", *run_dir, [&](const OpenedRun& run) {
      const std::string text = render(*format, run);
      if (*file == "-") {
        fmt::print("{}", text);
        std::fflush(stdout);
        return;
      }
      std::ofstream out(*file, std::ios::binary);
      out << text;
      if (!out.flush()) throw DynamoError(ErrorType::kInternal, "cannot write " + *file);
    });
  });
}

}  // namespace gtsim
