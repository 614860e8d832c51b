#include "scenarios/parser.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "scenarios/parse_context.h"
#include "scenarios/scenario_parser.h"

namespace gtsim::scenarios {

namespace {

// Lines of YAML that hold something other than blanks and comments.
bool is_content(std::string_view line) {
  const size_t first = line.find_first_not_of(" \t\r");
  return first != std::string_view::npos && line[first] != '#';
}

// The 1-based line of a document marker ("---" or "...") that follows content, or 0. A second
// document would be silently ignored, so it is reported instead.
int second_document_line(std::string_view text) {
  bool seen_content = false;
  int number = 0;
  for (size_t start = 0; start < text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    ++number;
    const bool marker = (line.starts_with("---") || line.starts_with("...")) &&
                        (line.size() == 3 || line[3] == ' ' || line[3] == '\r');
    if (marker && seen_content) return number;
    seen_content |= !marker && is_content(line);
    start = end + 1;
  }
  return 0;
}

// The YAML document in `text`; a syntax error throws ScenarioError.
YAML::Node load_yaml(std::string_view text, ParseContext& context) {
  try {
    // Load, not LoadAll: yaml-cpp 0.7's LoadAll never returns on some malformed input (a
    // top-level ','), while Load reads one document and stops.
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp's messages are lower-case phrases such as "end of map not found".
    context.error(context.pos(e.mark), "YAML syntax: " + e.msg,
                  "check the indentation, brackets and quotes on this line and the one before");
    throw ScenarioError(context.take_diagnostics());
  }
}

}  // namespace

Scenario parse_scenario(std::string_view text, const std::string& display_name) {
  ParseContext context(display_name);
  const YAML::Node root = load_yaml(text, context);
  if (const int line = second_document_line(text); line > 0) {
    context.error(SourcePos{display_name, line, 1}, "a scenario file holds one YAML document",
                  "remove this document marker and what follows, or start another file");
  }
  Scenario scenario = ScenarioParser(context).parse(root);
  if (context.error_count() > 0) throw ScenarioError(context.take_diagnostics());
  return scenario;
}

Scenario load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    throw ScenarioFileError("cannot read " + path + ": " + std::strerror(errno));
  }
  return parse_scenario(text.str(), path);
}

Step parse_live_fault(const Scenario& scenario, std::string_view text,
                      const std::string& display_name) {
  ParseContext context(display_name);
  const YAML::Node root = load_yaml(text, context);
  Step step;
  context.attempt([&] { step = ScenarioParser(context).parse_live_fault(scenario, root); });
  if (context.error_count() > 0) throw ScenarioError(context.take_diagnostics());
  return step;
}

}  // namespace gtsim::scenarios
