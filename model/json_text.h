// JSON text written directly, for the hot paths that store and ship every item: DynamoDB JSON of
// attribute values and items, byte for byte what nlohmann's dump() makes of item_to_json() (so
// files, digests and replays do not depend on which one wrote them), without building a tree of
// nlohmann values first.
//
// Errors: writing a string that is not valid UTF-8 throws nlohmann::json::type_error, as dump()
// does.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "model/attribute_value.h"

namespace gtsim {

// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string_view text, std::string& out);
// Appends value.dump(), the same bytes, at a fraction of its cost: the history's lines.
void append_json_dump(const nlohmann::json& value, std::string& out);
// Appends value.to_json().dump().
void append_json_text(const AttributeValue& value, std::string& out);
// item_to_json(item).dump().
std::string item_json_text(const Item& item);

// JSON depth of the deepest item a region stores: the item and each attribute value are objects,
// and each of kMaxNestingLevels M or L levels adds its container and a value object.
constexpr int kMaxItemJsonDepth = 2 + 2 * static_cast<int>(kMaxNestingLevels) + 1;

// item_from_json(nlohmann::json::parse(text)), read directly: the same item for the same text,
// and an error for the same texts (duplicate names keep the last, as nlohmann does). Objects and
// arrays may nest `max_depth` deep, the outermost counting 1. Throws DynamoError(kValidation),
// for text that is not JSON too.
Item item_from_json_text(std::string_view text, int max_depth);
// An item or key as region files store it: item_from_json_text(text, kMaxItemJsonDepth).
Item item_from_stored_text(std::string_view text);

// Whether `text` is an item in the form item_json_text writes for items whose values are all S
// or N, with names of printable ASCII other than the quote and backslash, and the same for S
// values: {"a":{"S":"x"},"b":{"N":"1"}}, names in increasing order, no space. Such a text is
// checked without building its item; item_from_json_text(text, 2) reads every one of them without
// an error. False for any other text, well formed or not.
bool is_plain_item_text(std::string_view text);

}  // namespace gtsim
