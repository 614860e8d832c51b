#include "model/json_text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/errors.h"

namespace gtsim {
namespace {

// A character JSON strings hold as it is: printable ASCII other than the quote and the backslash.
// Most strings (names, numbers, keys) hold nothing else.
bool plain_in_json_string(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// The first position at or after `from` whose character is not plain_in_json_string, or the
// end. Eight characters at a time while all are plain: item texts are mostly long plain runs,
// and their strings are scanned wherever an item is written or read (the profile in
// docs/benchmarks.md). Each test below is exact for whether any byte of the word matches.
size_t end_of_plain(std::string_view text, size_t from) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const auto has_zero_byte = [&](uint64_t w) { return (w - kOnes) & ~w & kHighs; };
  size_t pos = from;
  for (; pos + 8 <= text.size(); pos += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + pos, 8);
    const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
    const uint64_t special = below_space | (w & kHighs) | has_zero_byte(w ^ (kOnes * '"')) |
                             has_zero_byte(w ^ (kOnes * '\\'));
    if (special != 0) break;
  }
  while (pos < text.size() && plain_in_json_string(static_cast<unsigned char>(text[pos])))
    ++pos;
  return pos;
}

// Reads `text` if it is in the plain form (is_plain_item_text), calling member(name, value,
// number) for each attribute in order: `number` points at the value read as an N (the callee may
// move it), null for an S. False at the first thing outside that form, after calls for the
// attributes before it.
template <typename Member>
bool read_plain_item(std::string_view text, Member member) {
  size_t pos = 0;
  auto take = [&](std::string_view literal) {
    if (text.substr(pos, literal.size()) != literal) return false;
    pos += literal.size();
    return true;
  };
  // A string of plain characters only, quotes included: its contents.
  auto plain_string = [&]() -> std::optional<std::string_view> {
    if (!take("\"")) return std::nullopt;
    const size_t end = end_of_plain(text, pos);
    if (end >= text.size() || text[end] != '"') return std::nullopt;
    const std::string_view contents = text.substr(pos, end - pos);
    pos = end + 1;
    return contents;
  };
  if (!take("{")) return false;
  std::optional<std::string_view> previous;
  do {
    const std::optional<std::string_view> name = plain_string();
    // Increasing names are distinct, so no member replaces another.
    if (!name || name->empty() || (previous && *name <= *previous)) return false;
    previous = name;
    const bool is_number = take(":{\"N\":");
    if (!is_number && !take(":{\"S\":")) return false;
    const std::optional<std::string_view> value = plain_string();
    if (!value || !take("}")) return false;
    if (!is_number) {
      member(*name, *value, nullptr);
      continue;
    }
    std::optional<Decimal> number;
    try {
      number = Decimal::parse(*value);
    } catch (const DynamoError&) {
      return false;
    }
    member(*name, *value, &*number);
  } while (take(","));
  return take("}") && pos == text.size();
}

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

// An object of a map's members, in the map's order (nlohmann's too: its objects are std::maps).
template <typename Map, typename Write>
void append_members(const Map& members, std::string& out, Write write) {
  out += '{';
  bool first = true;
  for (const auto& [name, value] : members) {
    if (!first) out += ',';
    first = false;
    append_json_string(name, out);
    out += ':';
    write(value);
  }
  out += '}';
}

// An item or an M value's map (the same type): {"name":{"S":"x"},...}.
void append_object(const Item& attributes, std::string& out) {
  append_members(attributes, out,
                 [&](const AttributeValue& value) { append_json_text(value, out); });
}

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t plain_end = end_of_plain(text, 0);
  const std::string_view rest = text.substr(plain_end);
  // Non-ASCII text needs UTF-8 validation: nlohmann's own serializer does it, and its errors.
  if (std::any_of(rest.begin(), rest.end(), [](unsigned char c) { return c >= 0x80; })) {
    out += nlohmann::json(std::string(text)).dump();
    return;
  }
  out += '"';
  out += text.substr(0, plain_end);  // all of it, for most names and values
  for (unsigned char c : rest) {
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

void append_json_dump(const nlohmann::json& value, std::string& out) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::object:
      append_members(value.get_ref<const nlohmann::json::object_t&>(), out,
                     [&](const nlohmann::json& member) { append_json_dump(member, out); });
      return;
    case Type::array:
      append_array(value.get_ref<const nlohmann::json::array_t&>(), out,
                   [&](const nlohmann::json& element) { append_json_dump(element, out); });
      return;
    case Type::string:
      append_json_string(value.get_ref<const std::string&>(), out);
      return;
    case Type::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Type::null:
      out += "null";
      return;
    case Type::number_integer:
      out += std::to_string(value.get<int64_t>());
      return;
    case Type::number_unsigned:
      out += std::to_string(value.get<uint64_t>());
      return;
    default:  // floats, in nlohmann's shortest round-trip form; binary and discarded values
      out += value.dump();
  }
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

namespace {

// A recursive-descent reader of DynamoDB JSON. Every container it enters counts against the
// depth bound before anything inside it is read.
class ItemReader {
 public:
  ItemReader(std::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {}

  Item read() {
    Item item = object_of_values();
    skip_space();
    if (pos_ != text_.size()) fail("text after the item");
    return item;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw_validation("malformed item JSON at byte " + std::to_string(pos_) + ": " + what);
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  // Skips space, then reports whether `c` is next, consuming it if so.
  bool take(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void expect(char c) {
    if (!take(c)) fail(std::string("expected '") + c + "'");
  }

  void enter() {
    if (++depth_ > max_depth_) fail("nested too deeply");
  }

  // Reads one member's value with `read`. A parsed JSON object keeps only the last of members of
  // the same name, so an invalid value a later one replaces was never an error: on a refusal the
  // value is skipped as plain JSON (which must still be well formed) and its error returned, for
  // the caller to raise unless a later member of that name is read without one.
  template <typename Read>
  std::optional<std::string> member(Read read) {
    const size_t start = pos_;
    const int depth = depth_;
    try {
      read();
      return std::nullopt;
    } catch (const DynamoError& refused) {
      pos_ = start;
      depth_ = depth;
      skip_value();
      return refused.what();
    }
  }

  // {"name": <attribute value>, ...}: an item or an M value's map.
  Item object_of_values() {
    expect('{');
    enter();
    Item out;
    std::map<std::string, std::string> refused;
    if (!take('}')) {
      do {
        std::string name = string();
        expect(':');
        std::optional<std::string> error = member([&] { out.insert_or_assign(name, value()); });
        if (error) {
          out.erase(name);
          refused.insert_or_assign(name, *error);
        } else {
          refused.erase(name);
        }
      } while (take(','));
      expect('}');
    }
    if (!refused.empty()) throw_validation(refused.begin()->second);
    --depth_;
    return out;
  }

  // {"<descriptor>": <body>}; a repeated descriptor keeps its last body, as a parsed object does.
  AttributeValue value() {
    expect('{');
    enter();
    std::optional<std::string> descriptor;
    AttributeValue out;
    std::optional<std::string> refused;
    do {
      std::string name = string();
      if (descriptor && name != *descriptor) {
        fail("Supplied AttributeValue has more than one datatypes set");
      }
      descriptor = name;
      expect(':');
      refused = member([&] { out = body(name); });
    } while (take(','));
    expect('}');
    if (refused) throw_validation(*refused);
    --depth_;
    return out;
  }

  // Any JSON value, checked for form only.
  void skip_value() {
    skip_space();
    if (pos_ >= text_.size()) fail("expected a value");
    switch (text_[pos_]) {
      case '{':
        ++pos_;
        enter();
        if (!take('}')) {
          do {
            string();
            expect(':');
            skip_value();
          } while (take(','));
          expect('}');
        }
        --depth_;
        return;
      case '[':
        array([&] { skip_value(); });
        return;
      case '"':
        string();
        return;
      case 't':
      case 'f':
        boolean();
        return;
      case 'n':
        if (!text_.substr(pos_).starts_with("null")) fail("expected null");
        pos_ += 4;
        return;
      default:
        number();
    }
  }

  // -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
  void number() {
    auto digit = [&] { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
    auto digits = [&] {
      if (!digit()) fail("expected a digit");
      while (digit())
        ++pos_;
    };
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else {
      digits();
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      digits();
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      digits();
    }
  }

  AttributeValue body(const std::string& descriptor) {
    AttributeType type;
    if (!parse_type_descriptor(descriptor, &type)) {
      fail("unknown type descriptor \"" + descriptor + "\"");
    }
    switch (type) {
      case AttributeType::kS:
        return string();
      case AttributeType::kN:
        return Decimal::parse(string());
      case AttributeType::kB:
        return Binary{base64_decode(string())};
      case AttributeType::kBOOL:
        return boolean();
      case AttributeType::kNULL:
        if (!boolean()) fail("Null attribute value types must have the value of true");
        return Null{};
      case AttributeType::kM:
        return object_of_values();
      case AttributeType::kL: {
        AttributeValue::List list;
        array([&] { list.push_back(value()); });
        return list;
      }
      case AttributeType::kSS:
      case AttributeType::kNS:
      case AttributeType::kBS: {
        std::vector<std::string> members;
        array([&] { members.push_back(string()); });
        return AttributeValue::set_from_members(type, std::move(members));
      }
    }
    GTSIM_CHECK(false, "unreachable attribute type");
  }

  template <typename Element>
  void array(Element element) {
    expect('[');
    enter();
    if (!take(']')) {
      do {
        element();
      } while (take(','));
      expect(']');
    }
    --depth_;
  }

  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair{"true", true}, std::pair{"false", false}}) {
      if (text_.substr(pos_).starts_with(word)) {
        pos_ += std::string_view(word).size();
        return value;
      }
    }
    fail("expected true or false");
  }

  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      // Plain characters are copied a run at a time.
      const size_t run = pos_;
      pos_ = end_of_plain(text_, pos_);
      out.append(text_, run, pos_ - run);
      if (pos_ >= text_.size()) fail("unterminated string");
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) fail("control character in string");
      if (c == '\\') {
        escape(out);
      } else {
        utf8_sequence(out);
      }
    }
  }

  void escape(std::string& out) {
    if (pos_ + 1 >= text_.size()) fail("unterminated escape");
    const char c = text_[pos_ + 1];
    pos_ += 2;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out += c;
        return;
      case 'b':
        out += '\b';
        return;
      case 'f':
        out += '\f';
        return;
      case 'n':
        out += '\n';
        return;
      case 'r':
        out += '\r';
        return;
      case 't':
        out += '\t';
        return;
      case 'u':
        break;
      default:
        fail("bad escape");
    }
    uint32_t code = hex4();
    if (code >= 0xDC00 && code <= 0xDFFF) fail("lone low surrogate");
    if (code >= 0xD800 && code <= 0xDBFF) {
      if (!text_.substr(pos_).starts_with("\\u")) fail("lone high surrogate");
      pos_ += 2;
      const uint32_t low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) fail("bad low surrogate");
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(code, out);
  }

  uint32_t hex4() {
    if (pos_ + 4 > text_.size()) fail("short \\u escape");
    uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      code <<= 4;
      if (h >= '0' && h <= '9') {
        code |= static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        code |= static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        code |= static_cast<uint32_t>(h - 'A' + 10);
      } else {
        fail("bad \\u escape");
      }
    }
    return code;
  }

  static void append_utf8(uint32_t code, std::string& out) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  // One multi-byte UTF-8 character, validated as RFC 3629 (and nlohmann's lexer) require: no
  // overlong forms, no surrogates, nothing past U+10FFFF.
  void utf8_sequence(std::string& out) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text_[pos_ + i]); };
    const unsigned char lead = byte(0);
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      fail("invalid UTF-8");
    }
    if (pos_ + length > text_.size()) fail("invalid UTF-8");
    if (byte(1) < low || byte(1) > high) fail("invalid UTF-8");
    for (size_t i = 2; i < length; ++i) {
      if (byte(i) < 0x80 || byte(i) > 0xBF) fail("invalid UTF-8");
    }
    out.append(text_.substr(pos_, length));
    pos_ += length;
  }

  std::string_view text_;
  int max_depth_;
  int depth_ = 0;
  size_t pos_ = 0;
};

}  // namespace

Item item_from_json_text(std::string_view text, int max_depth) {
  // Most items and keys are plain: they are read without the general reader's bookkeeping (the
  // profile in docs/benchmarks.md), its refusals being those of texts that are not plain.
  if (max_depth >= 2) {
    Item item;
    const bool plain =
        read_plain_item(text, [&](std::string_view name, std::string_view value, Decimal* number) {
          item.emplace_hint(
              item.end(), std::string(name),
              number ? AttributeValue(std::move(*number)) : AttributeValue(std::string(value)));
        });
    if (plain) return item;
  }
  return ItemReader(text, max_depth).read();
}

Item item_from_stored_text(std::string_view text) {
  return item_from_json_text(text, kMaxItemJsonDepth);
}

bool is_plain_item_text(std::string_view text) {
  return read_plain_item(text, [](std::string_view, std::string_view, Decimal*) {});
}

}  // namespace gtsim
