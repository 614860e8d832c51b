#include "expressions/projection_plan.h"

namespace gtsim::expr::detail {

ProjectionPlan::ProjectionPlan(const std::vector<DocumentPath>& paths) {
  for (const DocumentPath& path : paths) {
    Node* node = &root_;
    for (const PathElement& step : path.elements()) {
      node = step.is_index ? &node->elements[step.index] : &node->fields[step.name];
    }
    node->whole = true;
  }
}

Item ProjectionPlan::apply(const Item& item) const {
  Item out;
  for (const auto& [name, child] : root_.fields) {
    auto it = item.find(name);
    if (it == item.end()) continue;
    if (auto projected = project(it->second, child)) out.emplace(name, std::move(*projected));
  }
  return out;
}

std::optional<AttributeValue> ProjectionPlan::project(const AttributeValue& value,
                                                      const Node& node) {
  if (node.whole) return value;
  if (!node.fields.empty()) {
    if (value.type() != AttributeType::kM) return std::nullopt;
    AttributeValue::Map out;
    for (const auto& [name, child] : node.fields) {
      auto it = value.as_map().find(name);
      if (it == value.as_map().end()) continue;
      if (auto projected = project(it->second, child)) out.emplace(name, std::move(*projected));
    }
    if (out.empty()) return std::nullopt;
    return AttributeValue(std::move(out));
  }
  if (value.type() != AttributeType::kL) return std::nullopt;
  const AttributeValue::List& list = value.as_list();
  AttributeValue::List out;
  for (const auto& [index, child] : node.elements) {
    if (index >= list.size()) break;
    if (auto projected = project(list[index], child)) out.push_back(std::move(*projected));
  }
  if (out.empty()) return std::nullopt;
  return AttributeValue(std::move(out));
}

}  // namespace gtsim::expr::detail
