#include "expressions/tokenizer.h"

#include <doctest/doctest.h>

#include "expressions/reserved_words.h"

namespace gtsim::expr {
namespace {

std::vector<TokenKind> kinds(std::string_view text) {
  std::vector<TokenKind> out;
  for (const Token& token : tokenize(text))
    out.push_back(token.kind);
  return out;
}

TEST_CASE("tokenizer splits names, placeholders, numbers and operators") {
  using K = TokenKind;
  CHECK(kinds("a.b[12] <> :v_1") == std::vector<K>{K::kIdentifier, K::kDot, K::kIdentifier,
                                                   K::kLeftBracket, K::kNumber, K::kRightBracket,
                                                   K::kNotEqual, K::kValue, K::kEnd});
  CHECK(kinds("#1a<=>=<>(),+-") == std::vector<K>{K::kName, K::kLessEqual, K::kGreaterEqual,
                                                  K::kNotEqual, K::kLeftParen, K::kRightParen,
                                                  K::kComma, K::kPlus, K::kMinus, K::kEnd});
  CHECK(kinds("") == std::vector<K>{K::kEnd});
  CHECK(kinds(" \t\r\n") == std::vector<K>{K::kEnd});
}

TEST_CASE("tokenizer turns characters that start no token into invalid tokens") {
  auto tokens = tokenize("_a # : $ \xc3\xa9!");
  REQUIRE(tokens.size() == 8);
  CHECK(tokens[0].kind == TokenKind::kInvalid);
  CHECK(tokens[0].text == "_");
  CHECK(tokens[1].text == "a");
  CHECK(tokens[2].text == "#");
  CHECK(tokens[3].text == ":");
  CHECK(tokens[4].text == "$");
  CHECK(tokens[5].text == "\xc3\xa9");  // one whole UTF-8 character
  CHECK(tokens[6].text == "!");
  CHECK(tokens[7].kind == TokenKind::kEnd);
  // A truncated UTF-8 sequence is taken one byte at a time.
  CHECK(tokenize("\xc3").front().text == "\xc3");
}

TEST_CASE("syntax errors quote the token and its neighbours") {
  std::string text = "a = AND b";
  auto tokens = tokenize(text);
  CHECK(syntax_error_message(text, tokens, 2) == "Syntax error; token: \"AND\", near: \"= AND b\"");
  CHECK(syntax_error_message(text, tokens, 0) == "Syntax error; token: \"a\", near: \"a =\"");
  CHECK(syntax_error_message(text, tokens, 4) == "Syntax error; token: \"<EOF>\", near: \"b\"");
  std::string trailing = "foo   ";
  CHECK(syntax_error_message(trailing, tokenize(trailing), 1) ==
        "Syntax error; token: \"<EOF>\", near: \"foo\"");
}

TEST_CASE("keywords match case-insensitively and reserved words are DynamoDB's list") {
  CHECK(is_keyword(tokenize("aNd").front(), "AND"));
  CHECK_FALSE(is_keyword(tokenize("android").front(), "AND"));
  CHECK_FALSE(is_keyword(tokenize(":and").front(), "AND"));
  for (const char* word : {"status", "STATUS", "Name", "size", "abort", "zone", "ttl", "data"}) {
    CAPTURE(word);
    CHECK(is_reserved_word(word));
  }
  for (const char* word : {"visits", "id", "abortx", "", "attribute_exists", "list_append"}) {
    CAPTURE(word);
    CHECK_FALSE(is_reserved_word(word));
  }
}

}  // namespace
}  // namespace gtsim::expr
