#include "expressions/tokenizer.h"

namespace gtsim::expr {
namespace {

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_name_char(char c) {
  return is_letter(c) || is_digit(c) || c == '_';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Length of the UTF-8 sequence starting at text[pos], so that an invalid non-ASCII character is
// reported whole; malformed sequences count one byte at a time.
size_t utf8_length(std::string_view text, size_t pos) {
  auto lead = static_cast<unsigned char>(text[pos]);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 1;
  if (pos + length > text.size()) return 1;
  for (size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(text[pos + i]) >> 6) != 0x2) return 1;
  }
  return length;
}

size_t span(std::string_view text, size_t pos, bool (*accept)(char)) {
  size_t end = pos;
  while (end < text.size() && accept(text[end]))
    ++end;
  return end;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t pos = 0;
  size_t last_end = 0;
  auto emit = [&](TokenKind kind, size_t end) {
    tokens.push_back({kind, text.substr(pos, end - pos), pos});
    pos = last_end = end;
  };
  while (true) {
    pos = span(text, pos, is_space);
    if (pos >= text.size()) break;
    char c = text[pos];
    char next = pos + 1 < text.size() ? text[pos + 1] : '\0';
    if (is_letter(c)) {
      emit(TokenKind::kIdentifier, span(text, pos, is_name_char));
    } else if (is_digit(c)) {
      emit(TokenKind::kNumber, span(text, pos, is_digit));
    } else if ((c == '#' || c == ':') && is_name_char(next)) {
      emit(c == '#' ? TokenKind::kName : TokenKind::kValue, span(text, pos + 1, is_name_char));
    } else if (c == '<' && (next == '=' || next == '>')) {
      emit(next == '=' ? TokenKind::kLessEqual : TokenKind::kNotEqual, pos + 2);
    } else if (c == '>' && next == '=') {
      emit(TokenKind::kGreaterEqual, pos + 2);
    } else {
      TokenKind kind;
      switch (c) {
        case '.':
          kind = TokenKind::kDot;
          break;
        case '[':
          kind = TokenKind::kLeftBracket;
          break;
        case ']':
          kind = TokenKind::kRightBracket;
          break;
        case '(':
          kind = TokenKind::kLeftParen;
          break;
        case ')':
          kind = TokenKind::kRightParen;
          break;
        case ',':
          kind = TokenKind::kComma;
          break;
        case '=':
          kind = TokenKind::kEqual;
          break;
        case '<':
          kind = TokenKind::kLess;
          break;
        case '>':
          kind = TokenKind::kGreater;
          break;
        case '+':
          kind = TokenKind::kPlus;
          break;
        case '-':
          kind = TokenKind::kMinus;
          break;
        default:
          kind = TokenKind::kInvalid;
          break;
      }
      emit(kind, pos + utf8_length(text, pos));
    }
  }
  tokens.push_back({TokenKind::kEnd, std::string_view(), last_end});
  return tokens;
}

std::string syntax_error_message(std::string_view text, const std::vector<Token>& tokens,
                                 size_t index) {
  const Token& token = tokens[index];
  const Token& before = tokens[index > 0 ? index - 1 : index];
  const Token& after = index + 1 < tokens.size() && tokens[index + 1].kind != TokenKind::kEnd
                           ? tokens[index + 1]
                           : token;
  size_t end = after.offset + after.text.size();
  std::string shown = token.kind == TokenKind::kEnd ? "<EOF>" : std::string(token.text);
  return "Syntax error; token: \"" + shown + "\", near: \"" +
         std::string(text.substr(before.offset, end - before.offset)) + "\"";
}

bool is_keyword(const Token& token, std::string_view upper_keyword) {
  if (token.kind != TokenKind::kIdentifier || token.text.size() != upper_keyword.size()) {
    return false;
  }
  for (size_t i = 0; i < upper_keyword.size(); ++i) {
    char c = token.text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper_keyword[i]) return false;
  }
  return true;
}

}  // namespace gtsim::expr
