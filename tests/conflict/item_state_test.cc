#include "conflict/item_state.h"

#include <doctest/doctest.h>

#include <random>

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

TEST_CASE("a state without its document keeps all of its metadata") {
  ItemState full = lww_state();
  full.cells["name"] = AttributeCell{AttributeValue("ann"), LwwStamp{5, "eu-west-1", 3}};
  full.replaced = LwwStamp{2, "ap-south-1", 1};
  const ItemState bare = without_document(full);
  CHECK(bare.is_tombstone());
  CHECK(state_metadata_json_text(bare) == state_metadata_json_text(full));
  ItemState again = bare;
  again.document = full.document;
  CHECK(again == full);
}

// What the tree path makes of `text`, or nullopt where it throws.
std::optional<ItemState> tree_state(const std::string& text) {
  try {
    return state_from_json(nlohmann::json::parse(text), std::nullopt);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

TEST_CASE("plain state text is read without a tree as the tree path reads it") {
  std::mt19937_64 rng(7);
  const std::vector<std::string> regions = {"us-east-1", "eu-west-1", "ap-south-1", "", "a b"};
  auto pick = [&](uint64_t bound) {
    return std::uniform_int_distribution<uint64_t>(0, bound)(rng);
  };
  const std::string alphabet = "{}[]\":,-0123456789eE.+ \\tnul\x7f\xc3\xa9";
  size_t read_plain = 0;
  for (int i = 0; i < 5000; ++i) {
    ItemState state;
    state.version =
        Version{{regions[pick(regions.size() - 1)], pick(1) ? pick(1'000'000) : 0},
                static_cast<int64_t>(pick(200'000'000'000'000'000)) - 100'000'000'000'000'000};
    std::map<std::string, uint64_t> history;
    for (uint64_t n = pick(3); n > 0; --n)
      history[regions[pick(regions.size() - 1)]] = pick(1) ? pick(99) : pick(1'000'000'000'000);
    state.history = VersionVector(history);
    const std::string text = state_metadata_json_text(state);
    ItemState read;
    REQUIRE(read_plain_state_text(text, read));
    CHECK(read == state);
    CHECK(state_from_json_text(text, std::nullopt) == state);

    // Damaged: wherever the plain reader still reads the text, the tree path reads the same.
    std::string damaged = text;
    for (uint64_t n = 1 + pick(2); n > 0; --n) {
      const size_t at = pick(damaged.size() - 1);
      switch (pick(2)) {
        case 0:
          damaged[at] = alphabet[pick(alphabet.size() - 1)];
          break;
        case 1:
          damaged.erase(at, 1);
          break;
        default:
          damaged.insert(at, 1, alphabet[pick(alphabet.size() - 1)]);
      }
    }
    ItemState plain;
    if (read_plain_state_text(damaged, plain)) {
      ++read_plain;
      const std::optional<ItemState> tree = tree_state(damaged);
      REQUIRE_MESSAGE(tree, damaged);
      CHECK_MESSAGE(*tree == plain, damaged);
    }
  }
  CHECK(read_plain > 0);  // some damage leaves a plain text: the comparison above ran

  // Other forms take the tree path: cells and replaced stamps, space, escapes, repeated names.
  ItemState cells = lww_state();
  cells.cells["name"] = AttributeCell{AttributeValue("ann"), LwwStamp{5, "eu-west-1", 3}};
  ItemState unread;
  for (const std::string& text :
       {state_metadata_json_text(cells), state_metadata_to_json(lww_state()).dump(1),
        std::string(R"({"history":{"a":1,"a":2},"version":{"origin":"a","seq":2,"ts":1}})"),
        std::string(R"({"history":{},"version":{"origin":"\u0061","seq":2,"ts":1}})"),
        std::string(R"({"history":{},"version":{"origin":"a","seq":2,"ts":-0}})"),
        std::string(R"({"history":{},"version":{"origin":"a","seq":01,"ts":1}})"),
        std::string(R"({"history":{},"version":{"origin":"a","seq":1,"ts":-)") +
            std::string(40, '9') + "}}"}) {
    CHECK_FALSE_MESSAGE(read_plain_state_text(text, unread), text);
  }
  CHECK(state_from_json_text(state_metadata_json_text(cells), cells.document) == cells);
  CHECK_THROWS(state_from_json_text("{", std::nullopt));
}

}  // namespace
}  // namespace gtsim
