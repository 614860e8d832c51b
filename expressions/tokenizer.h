// Tokenizer of DynamoDB expressions.
//
// DynamoDB's lexical rules: a bare name is a letter followed by letters, digits or underscores;
// `#x` and `:x` are placeholders whose rest is one or more letters, digits or underscores; digits
// alone form a number (only meaningful as a list index); whitespace separates tokens. Any other
// character becomes an kInvalid token, so that the parser reports it as a syntax error with
// DynamoDB's "token ... near ..." context instead of the tokenizer failing on its own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gtsim::expr {

enum class TokenKind {
  kIdentifier,  // letters, digits, '_' (starting with a letter); keywords too
  kNumber,      // digits
  kName,        // #placeholder
  kValue,       // :placeholder
  kDot,
  kLeftBracket,
  kRightBracket,
  kLeftParen,
  kRightParen,
  kComma,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kPlus,
  kMinus,
  kInvalid,  // one character (one UTF-8 sequence) that starts no token
  kEnd,      // end of text; always the last token
};

struct Token {
  TokenKind kind;
  std::string_view text;  // points into the tokenized text; empty for kEnd
  size_t offset;          // byte offset in the text; for kEnd, the end of the last real token
};

// Splits `text` into tokens, ending with one kEnd token. Never throws. The tokens point into
// `text`, which must outlive them.
std::vector<Token> tokenize(std::string_view text);

// DynamoDB's syntax error message for `tokens[index]`:
// `Syntax error; token: "AND", near: "= AND b"`, where "near" is the source text from the token
// before to the token after the offending one. `tokens` must come from tokenize(text).
std::string syntax_error_message(std::string_view text, const std::vector<Token>& tokens,
                                 size_t index);

// Case-insensitive comparison of an identifier with an upper-case keyword ("AND", "SET", ...).
bool is_keyword(const Token& token, std::string_view upper_keyword);

}  // namespace gtsim::expr
