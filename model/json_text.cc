#include "model/json_text.h"

#include <nlohmann/json.hpp>

namespace gtsim {
namespace {

template <typename Range, typename Write>
void append_array(const Range& range, std::string& out, Write write) {
  out += '[';
  bool first = true;
  for (const auto& element : range) {
    if (!first) out += ',';
    first = false;
    write(element);
  }
  out += ']';
}

// An item or an M value's map (the same type): {"name":{"S":"x"},...}.
void append_object(const Item& attributes, std::string& out) {
  out += '{';
  bool first = true;
  for (const auto& [name, value] : attributes) {
    if (!first) out += ',';
    first = false;
    append_json_string(name, out);
    out += ':';
    append_json_text(value, out);
  }
  out += '}';
}

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    // Non-ASCII text needs UTF-8 validation: nlohmann's own serializer does it, and its errors.
    if (c >= 0x80) {
      out += nlohmann::json(std::string(text)).dump();
      return;
    }
  }
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_json_text(const AttributeValue& value, std::string& out) {
  out += "{\"";
  out += type_descriptor(value.type());
  out += "\":";
  switch (value.type()) {
    case AttributeType::kS:
      append_json_string(value.as_string(), out);
      break;
    case AttributeType::kN:
      append_json_string(value.as_number().to_string(), out);
      break;
    case AttributeType::kB:
      append_json_string(base64_encode(value.as_binary().bytes), out);
      break;
    case AttributeType::kBOOL:
      out += value.as_bool() ? "true" : "false";
      break;
    case AttributeType::kNULL:
      out += "true";
      break;
    case AttributeType::kM:
      append_object(value.as_map(), out);
      break;
    case AttributeType::kL:
      append_array(value.as_list(), out,
                   [&](const AttributeValue& element) { append_json_text(element, out); });
      break;
    case AttributeType::kSS:
      append_array(value.as_string_set(), out,
                   [&](const std::string& s) { append_json_string(s, out); });
      break;
    case AttributeType::kNS:
      append_array(value.as_number_set(), out,
                   [&](const Decimal& n) { append_json_string(n.to_string(), out); });
      break;
    case AttributeType::kBS:
      append_array(value.as_binary_set(), out,
                   [&](const Binary& b) { append_json_string(base64_encode(b.bytes), out); });
      break;
  }
  out += '}';
}

std::string item_json_text(const Item& item) {
  std::string out;
  append_object(item, out);
  return out;
}

}  // namespace gtsim
