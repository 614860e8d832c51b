#include "model/document.h"

#include <doctest/doctest.h>

#include <string>

#include "model/errors.h"
#include "model/json_text.h"

namespace gtsim {
namespace {

const Item kUser{{"id", AttributeValue(std::string("u1"))},
                 {"name", AttributeValue(std::string("alice"))},
                 {"visits", AttributeValue(Decimal::parse("3"))}};

Document from_text(std::string text) {
  return Document::from_json_text(std::move(text), 2);
}

TEST_CASE("a document made from a plain text builds its tree only when first read") {
  Document doc = from_text(item_json_text(kUser));
  CHECK_FALSE(doc.has_tree());
  const Document copy = doc;
  CHECK(doc.tree() == kUser);
  CHECK(doc.has_tree());
  CHECK_FALSE(copy.has_tree());  // a copy keeps its own text and tree
  CHECK(copy.tree() == kUser);
}

TEST_CASE("a text that is not plain is read into a tree at once, with the reader's errors") {
  const Document other_types = from_text(R"({"id":{"S":"u1"},"ok":{"BOOL":true}})");
  CHECK(other_types.has_tree());
  CHECK(other_types.tree() ==
        Item{{"id", AttributeValue(std::string("u1"))}, {"ok", AttributeValue(true)}});
  CHECK_THROWS_AS(from_text(R"({"id":{"S":"u1")"), DynamoError);
  // Below the plain form's two levels even a plain text goes to the reader, which refuses it.
  CHECK_THROWS_AS(Document::from_json_text(item_json_text(kUser), 1), DynamoError);
}

TEST_CASE("documents are equal by their attributes, whether held as text or tree") {
  const Document tree(kUser);
  const std::string text = item_json_text(kUser);
  Document same_text = from_text(text);
  const Document also_same_text = from_text(text);
  CHECK(same_text == also_same_text);
  CHECK_FALSE(same_text.has_tree());  // equal texts hold equal items: nothing was built
  CHECK(same_text == tree);
  CHECK(tree == from_text(text));

  // Numbers equal by value are equal documents, though their texts differ.
  CHECK(from_text(R"({"n":{"N":"1"}})") == from_text(R"({"n":{"N":"1.0"}})"));
  CHECK_FALSE(from_text(R"({"n":{"N":"1"}})") == from_text(R"({"n":{"N":"2"}})"));
  CHECK_FALSE(Document(Item{{"id", AttributeValue(std::string("u2"))}}) == tree);
}

}  // namespace
}  // namespace gtsim
