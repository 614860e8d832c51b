#include "replicator/aws_latency.h"

#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "model/errors.h"

namespace gtsim::replication {

// Defined in the file generated from data/aws-rtt-ms.csv.
extern const char kAwsRttCsv[];

namespace {

using Table = std::map<std::pair<std::string, std::string>, int>;

const Table& table() {
  static const Table parsed = [] {
    Table t;
    std::istringstream in(kAwsRttCsv);
    std::string line;
    std::getline(in, line);  // header: from,to,rtt_ms
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      size_t a = line.find(','), b = line.find(',', a + 1);
      GTSIM_CHECK(a != std::string::npos && b != std::string::npos, "bad AWS RTT row: " + line);
      t[{line.substr(0, a), line.substr(a + 1, b - a - 1)}] = std::stoi(line.substr(b + 1));
    }
    return t;
  }();
  return parsed;
}

}  // namespace

std::optional<int> aws_rtt_ms(const std::string& from, const std::string& to) {
  auto it = table().find({from, to});
  if (it == table().end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> aws_one_way_latency_us(const std::string& from, const std::string& to) {
  std::optional<int> rtt = aws_rtt_ms(from, to);
  if (!rtt) return std::nullopt;
  return int64_t(*rtt) * 1000 / 2;
}

std::vector<std::string> aws_region_names() {
  std::set<std::string> names;
  for (const auto& [pair, rtt] : table())
    names.insert(pair.first);
  return {names.begin(), names.end()};
}

}  // namespace gtsim::replication
