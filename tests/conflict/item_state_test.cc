#include "conflict/item_state.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace gtsim {
namespace {

ItemState lww_state() {
  ItemState state;
  state.document = Item{{"id", "1"}};
  state.version = Version{{"us-east-1", 7}, 1'700'000'000'000'123};
  state.history = VersionVector({{"us-east-1", 7}, {"eu-west-1", 3}});
  return state;
}

TEST_CASE("state metadata text is what nlohmann dumps") {
  ItemState plain = lww_state();
  CHECK(state_metadata_json_text(plain) == state_metadata_to_json(plain).dump());

  ItemState empty;  // a version of nobody yet, no history
  CHECK(state_metadata_json_text(empty) == state_metadata_to_json(empty).dump());

  ItemState cells = lww_state();
  cells.cells["name"] = AttributeCell{AttributeValue("ann\n"), LwwStamp{5, "eu-west-1", 3}};
  cells.cells["gone \"q\""] = AttributeCell{std::nullopt, LwwStamp{-4, "us-east-1", 6}};
  cells.replaced = LwwStamp{2, "ap-south-1", 1};
  const std::string text = state_metadata_json_text(cells);
  CHECK(text == state_metadata_to_json(cells).dump());
  CHECK(state_from_json(nlohmann::json::parse(text), cells.document) == cells);
}

}  // namespace
}  // namespace gtsim
