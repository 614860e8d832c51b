#include "expressions/document_path.h"

#include <algorithm>

#include "model/errors.h"

namespace gtsim::expr {

const AttributeValue* DocumentPath::find(const Item& item) const {
  auto top = item.find(attribute());
  if (top == item.end()) return nullptr;
  const AttributeValue* value = &top->second;
  for (size_t i = 1; i < elements_.size(); ++i) {
    const PathElement& step = elements_[i];
    if (step.is_index) {
      if (value->type() != AttributeType::kL || step.index >= value->as_list().size()) {
        return nullptr;
      }
      value = &value->as_list()[step.index];
    } else {
      if (value->type() != AttributeType::kM) return nullptr;
      auto it = value->as_map().find(step.name);
      if (it == value->as_map().end()) return nullptr;
      value = &it->second;
    }
  }
  return value;
}

std::string DocumentPath::to_string() const {
  std::string out = "[";
  for (size_t i = 0; i < elements_.size(); ++i) {
    if (i > 0) out += ", ";
    if (elements_[i].is_index) {
      out += '[';
      out += std::to_string(elements_[i].index);
      out += ']';
    } else {
      out += elements_[i].name;
    }
  }
  return out + "]";
}

void check_paths_independent(const std::vector<DocumentPath>& paths,
                             const std::string& expression_kind) {
  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = i + 1; j < paths.size(); ++j) {
      const auto& one = paths[i].elements();
      const auto& two = paths[j].elements();
      auto [it_one, it_two] = std::mismatch(one.begin(), one.end(), two.begin(), two.end());
      const char* relation = nullptr;
      if (it_one == one.end() || it_two == two.end()) {
        relation = "overlap";
      } else if (it_one->is_index != it_two->is_index) {
        relation = "conflict";
      }
      if (relation != nullptr) {
        throw_validation("Invalid " + expression_kind + ": Two document paths " + relation +
                         " with each other; must remove or rewrite one of these paths; path one: " +
                         paths[i].to_string() + ", path two: " + paths[j].to_string());
      }
    }
  }
}

}  // namespace gtsim::expr
