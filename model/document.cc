#include "model/document.h"

#include "model/errors.h"
#include "model/json_text.h"

namespace gtsim {

Document Document::from_json_text(std::string text, int max_depth) {
  if (max_depth >= 2 && is_plain_item_text(text)) return Document(std::move(text));
  return Document(item_from_json_text(text, max_depth));
}

const Item& Document::tree() const {
  if (!tree_) {
    // A plain text is two levels deep and was checked as item_from_json_text reads it: a refusal
    // here is a bug in is_plain_item_text, not bad input.
    try {
      tree_ = item_from_json_text(text_, 2);
    } catch (const DynamoError& refused) {
      GTSIM_CHECK(false, "a plain item text was refused: " + std::string(refused.what()));
    }
  }
  return *tree_;
}

bool Document::operator==(const Document& other) const {
  // Equal plain texts hold equal items; unequal ones may too ("1" and "1.0").
  if (!has_tree() && !other.has_tree() && text_ == other.text_) return true;
  return tree() == other.tree();
}

}  // namespace gtsim
