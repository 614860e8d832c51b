// Document: an item's attributes, held as a tree (Item) or as the JSON text that item_json_text
// writes, whose tree is built the first time it is read.
//
// A region stores the item text a peer sent as it came, and under a policy that joins whole
// documents it never reads that item as a tree: building one for every received record was a
// tenth of a receiver's work (docs/benchmarks.md). Only a text that is_plain_item_text accepts is
// held unbuilt: it is checked, so its tree can always be built.
//
// Thread-safety: a value type, except that the first tree() of a document made from text builds
// the tree in place: threads that read one document must each have their own copy, or read its
// tree() once before they share it.
#pragma once

#include <optional>
#include <string>

#include "model/attribute_value.h"

namespace gtsim {

class Document {
 public:
  // Implicit: a state's document is assigned items throughout the conflict policies.
  Document(Item tree) : tree_(std::move(tree)) {}  // NOLINT(google-explicit-constructor)

  // The item that item_from_json_text(text, max_depth) reads, with its errors. A plain text
  // (is_plain_item_text) is kept and its tree left unbuilt when max_depth allows the plain form's
  // two levels; any other text is read into a tree now.
  static Document from_json_text(std::string text, int max_depth);

  // The attributes; built from the text on the first call for a document made from one.
  const Item& tree() const;
  // Whether the tree is built: false only for a document made from text and not read since.
  bool has_tree() const { return tree_.has_value(); }

  // Equal attributes, whatever each holds.
  bool operator==(const Document& other) const;

 private:
  explicit Document(std::string text) : text_(std::move(text)) {}

  mutable std::optional<Item> tree_;
  std::string text_;  // empty for a document made from a tree
};

}  // namespace gtsim
