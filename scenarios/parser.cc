#include "scenarios/parser.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "scenarios/parse_context.h"
#include "scenarios/scenario_parser.h"

namespace gtsim::scenarios {

Scenario parse_scenario(std::string_view text, const std::string& display_name) {
  ParseContext context(display_name);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp's messages are lower-case phrases such as "end of map not found".
    context.error(context.pos(e.mark), "YAML syntax: " + e.msg,
                  "check the indentation, brackets and quotes on this line and the one before");
    throw ScenarioError(context.take_diagnostics());
  }
  if (documents.size() > 1) {
    context.error(context.pos(documents[1]), "a scenario file holds one YAML document",
                  "remove the second '---'");
  }
  Scenario scenario =
      ScenarioParser(context).parse(documents.empty() ? YAML::Node() : documents.front());
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

}  // namespace gtsim::scenarios
