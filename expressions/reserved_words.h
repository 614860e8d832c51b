// DynamoDB's reserved words: names that an expression cannot use bare as attribute names (they
// must go through an ExpressionAttributeNames placeholder).
#pragma once

#include <string_view>

namespace gtsim::expr {

// True when `word` is one of DynamoDB's reserved words, compared case-insensitively.
// Thread-safe (the table is built once, on first use).
bool is_reserved_word(std::string_view word);

}  // namespace gtsim::expr
