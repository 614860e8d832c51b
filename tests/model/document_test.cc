#include "model/document.h"

#include <doctest/doctest.h>

#include <string>

#include "model/json_text.h"

namespace gtsim {
namespace {

const Item kUser{{"id", AttributeValue(std::string("u1"))},
                 {"name", AttributeValue(std::string("alice"))},
                 {"visits", AttributeValue(Decimal::parse("3"))}};

TEST_CASE("a document made from a plain text builds its tree only when first read") {
  std::optional<Document> doc = Document::from_plain_text(item_json_text(kUser));
  REQUIRE(doc);
  CHECK_FALSE(doc->has_tree());
  const Document copy = *doc;
  CHECK(doc->tree() == kUser);
  CHECK(doc->has_tree());
  CHECK_FALSE(copy.has_tree());  // a copy keeps its own text and tree
  CHECK(copy.tree() == kUser);
}

TEST_CASE("a text that is not plain makes no document") {
  CHECK_FALSE(Document::from_plain_text(R"({"id":{"S":"u1"},"ok":{"BOOL":true}})"));
  CHECK_FALSE(Document::from_plain_text(R"({"id":{"S":"u1")"));
}

TEST_CASE("documents are equal by their attributes, whether held as text or tree") {
  const Document tree(kUser);
  const std::string text = item_json_text(kUser);
  Document same_text = *Document::from_plain_text(text);
  const Document also_same_text = *Document::from_plain_text(text);
  CHECK(same_text == also_same_text);
  CHECK_FALSE(same_text.has_tree());  // equal texts hold equal items: nothing was built
  CHECK(same_text == tree);
  CHECK(tree == *Document::from_plain_text(text));

  // Numbers equal by value are equal documents, though their texts differ.
  CHECK(*Document::from_plain_text(R"({"n":{"N":"1"}})") ==
        *Document::from_plain_text(R"({"n":{"N":"1.0"}})"));
  CHECK_FALSE(*Document::from_plain_text(R"({"n":{"N":"1"}})") ==
              *Document::from_plain_text(R"({"n":{"N":"2"}})"));
  CHECK_FALSE(Document(Item{{"id", AttributeValue(std::string("u2"))}}) == tree);
}

}  // namespace
}  // namespace gtsim
