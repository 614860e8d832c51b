#include "conflict/item_state.h"

#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "model/json_text.h"

namespace gtsim {

using nlohmann::json;

namespace {

// {"origin", "seq", "ts"}, built member by member: an initializer list copies each value once
// more, and every write's response carries one (the profile in docs/benchmarks.md).
json stamp_object(const std::string& origin, uint64_t seq, int64_t timestamp_us) {
  json out = json::object();
  out["origin"] = origin;
  out["seq"] = seq;
  out["ts"] = timestamp_us;
  return out;
}

}  // namespace

json version_to_json(const Version& version) {
  return stamp_object(version.id.origin, version.id.seq, version.timestamp_us);
}

Version version_from_json(const json& j) {
  try {
    return Version{{j.at("origin").get<std::string>(), j.at("seq").get<uint64_t>()},
                   j.at("ts").get<int64_t>()};
  } catch (const json::exception& e) {
    throw_validation(std::string("malformed version: ") + e.what());
  }
}

json stamp_to_json(const LwwStamp& stamp) {
  return stamp_object(stamp.origin, stamp.seq, stamp.timestamp_us);
}

LwwStamp stamp_from_json(const json& j) {
  Version v = version_from_json(j);
  return v.stamp();
}

json history_to_json(const VersionVector& history) {
  return history.counters();
}

VersionVector history_from_json(const json& j) {
  try {
    return VersionVector(j.get<std::map<std::string, uint64_t>>());
  } catch (const json::exception& e) {
    throw_validation(std::string("malformed version vector: ") + e.what());
  }
}

json state_metadata_to_json(const ItemState& state) {
  json out = {{"version", version_to_json(state.version)},
              {"history", history_to_json(state.history)}};
  if (!state.cells.empty()) {
    json cells = json::object();
    for (const auto& [name, cell] : state.cells) {
      json c = {{"stamp", stamp_to_json(cell.stamp)}};
      if (cell.value) c["value"] = cell.value->to_json();
      cells[name] = std::move(c);
    }
    out["cells"] = std::move(cells);
  }
  if (state.replaced) out["replaced"] = stamp_to_json(*state.replaced);
  return out;
}

namespace {

// {"origin":...,"seq":...,"ts":...}, as version_to_json and stamp_to_json dump.
void append_stamp(const std::string& origin, uint64_t seq, int64_t timestamp_us, std::string& out) {
  out += "{\"origin\":";
  append_json_string(origin, out);
  out += ",\"seq\":" + std::to_string(seq) + ",\"ts\":" + std::to_string(timestamp_us) + "}";
}

}  // namespace

ItemState without_document(const ItemState& state) {
  ItemState out;  // field by field: GCC 12 warns falsely of a copy whose document is reset
  out.version = state.version;
  out.history = state.history;
  out.cells = state.cells;
  out.replaced = state.replaced;
  return out;
}

std::string state_metadata_json_text(const ItemState& state) {
  // Keys in the order nlohmann's objects keep them: sorted.
  std::string out = "{";
  if (!state.cells.empty()) {
    out += "\"cells\":{";
    bool first = true;
    for (const auto& [name, cell] : state.cells) {
      if (!first) out += ',';
      first = false;
      append_json_string(name, out);
      out += ":{\"stamp\":";
      append_stamp(cell.stamp.origin, cell.stamp.seq, cell.stamp.timestamp_us, out);
      if (cell.value) {
        out += ",\"value\":";
        append_json_text(*cell.value, out);
      }
      out += '}';
    }
    out += "},";
  }
  out += "\"history\":{";
  for (const auto& [region, seq] : state.history.counters()) {
    append_json_string(region, out);
    out += ':' + std::to_string(seq) + ',';
  }
  if (out.back() == ',') out.pop_back();
  out += "},";
  if (state.replaced) {
    out += "\"replaced\":";
    append_stamp(state.replaced->origin, state.replaced->seq, state.replaced->timestamp_us, out);
    out += ',';
  }
  out += "\"version\":";
  append_stamp(state.version.id.origin, state.version.id.seq, state.version.timestamp_us, out);
  out += '}';
  return out;
}

ItemState state_from_json(const json& metadata, std::optional<Document> document) {
  if (!metadata.is_object()) throw_validation("malformed item state: not an object");
  ItemState state;
  state.document = std::move(document);
  state.version = version_from_json(metadata.value("version", json::object()));
  state.history = history_from_json(metadata.value("history", json::object()));
  if (metadata.contains("cells")) {
    const json& cells = metadata.at("cells");
    if (!cells.is_object()) throw_validation("malformed item state: cells is not an object");
    for (const auto& [name, c] : cells.items()) {
      AttributeCell cell;
      cell.stamp = stamp_from_json(c.value("stamp", json::object()));
      if (c.contains("value")) cell.value = AttributeValue::from_json(c.at("value"));
      state.cells.emplace(name, std::move(cell));
    }
  }
  if (metadata.contains("replaced")) state.replaced = stamp_from_json(metadata.at("replaced"));
  return state;
}

namespace {

// A reader of exactly one form, giving up (false) at the first byte that is not of it.
class PlainStateReader {
 public:
  explicit PlainStateReader(std::string_view text) : text_(text) {}

  // {"history":{"R":N,...},"version":{"origin":"R","seq":N,"ts":N}}
  bool read(Version& version, std::map<std::string, uint64_t>& history) {
    if (!literal("{\"history\":{")) return false;
    if (!literal("}")) {
      do {
        std::string region;
        uint64_t seq = 0;
        // In the writer's order, sorted: this also refuses a repeated name, which JSON objects
        // resolve in ways this reader does not copy.
        if (!name(region) || (!history.empty() && region <= history.rbegin()->first) ||
            !literal(":") || !number(seq)) {
          return false;
        }
        history.emplace(std::move(region), seq);
      } while (literal(","));
      if (!literal("}")) return false;
    }
    if (!literal(",\"version\":{\"origin\":") || !name(version.id.origin) ||
        !literal(",\"seq\":") || !number(version.id.seq) || !literal(",\"ts\":")) {
      return false;
    }
    const bool negative = literal("-");
    int64_t timestamp = 0;
    if (!number(timestamp) || (negative && timestamp == 0) || !literal("}}") ||
        pos_ != text_.size()) {
      return false;
    }
    version.timestamp_us = negative ? -timestamp : timestamp;
    return true;
  }

 private:
  bool literal(std::string_view expected) {
    if (!text_.substr(pos_).starts_with(expected)) return false;
    pos_ += expected.size();
    return true;
  }

  // A string of printable ASCII without escapes.
  bool name(std::string& out) {
    if (!literal("\"")) return false;
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      const char c = text_[pos_];
      if (c < 0x20 || c > 0x7E || c == '\\') return false;
      ++pos_;
    }
    if (pos_ == text_.size()) return false;
    out.assign(text_.substr(start, pos_ - start));
    ++pos_;
    return true;
  }

  // Digits without a leading zero, at most 18 of them: within every integer type's range.
  template <typename Integer>
  bool number(Integer& out) {
    const size_t start = pos_;
    Integer value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (pos_ - start == 18) return false;
      value = value * 10 + static_cast<Integer>(text_[pos_] - '0');
      ++pos_;
    }
    const size_t length = pos_ - start;
    if (length == 0 || (length > 1 && text_[start] == '0')) return false;
    out = value;
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool read_plain_state_text(std::string_view text, ItemState& out) {
  Version version;
  std::map<std::string, uint64_t> history;
  if (!PlainStateReader(text).read(version, history)) return false;
  out.version = std::move(version);
  out.history = VersionVector(std::move(history));
  out.cells.clear();
  out.replaced.reset();
  return true;
}

ItemState state_from_json_text(std::string_view text, std::optional<Document> document) {
  ItemState state;
  if (!read_plain_state_text(text, state))
    return state_from_json(json::parse(text), std::move(document));
  state.document = std::move(document);
  return state;
}

}  // namespace gtsim
