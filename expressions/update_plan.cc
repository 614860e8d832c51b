#include "expressions/update_plan.h"

#include <algorithm>
#include <iterator>

#include "model/errors.h"

namespace gtsim::expr::detail {
namespace {

[[noreturn]] void throw_invalid_path() {
  throw_validation("The document path provided in the update expression is invalid for update");
}

[[noreturn]] void throw_incorrect_data_type() {
  throw_validation("An operand in the update expression has an incorrect data type");
}

template <typename Set>
Set set_union(const Set& a, const Set& b) {
  Set out = a;
  out.insert(b.begin(), b.end());
  return out;
}

template <typename Set>
Set set_difference(const Set& a, const Set& b) {
  Set out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()),
                      out.key_comp());
  return out;
}

bool is_set(AttributeType type) {
  return type == AttributeType::kSS || type == AttributeType::kNS || type == AttributeType::kBS;
}

// ADD of two sets of one type (the union), or DELETE (the difference); nullopt when the
// difference is empty, since DynamoDB has no empty sets.
std::optional<AttributeValue> combine_sets(const AttributeValue& current,
                                           const AttributeValue& operand, bool add) {
  if (current.type() != operand.type() || !is_set(current.type())) throw_incorrect_data_type();
  auto combine = [&](const auto& a, const auto& b) -> std::optional<AttributeValue> {
    auto out = add ? set_union(a, b) : set_difference(a, b);
    if (out.empty()) return std::nullopt;
    return AttributeValue(std::move(out));
  };
  switch (current.type()) {
    case AttributeType::kSS:
      return combine(current.as_string_set(), operand.as_string_set());
    case AttributeType::kNS:
      return combine(current.as_number_set(), operand.as_number_set());
    default:
      return combine(current.as_binary_set(), operand.as_binary_set());
  }
}

}  // namespace

UpdatePlan::UpdatePlan(std::vector<UpdateAction> actions) : actions_(std::move(actions)) {
  for (size_t i = 0; i < actions_.size(); ++i) {
    const auto& elements = actions_[i].path.elements();
    Node* node = &root_.fields[elements.front().name];
    for (size_t step = 1; step < elements.size(); ++step) {
      node = elements[step].is_index ? &node->elements[elements[step].index]
                                     : &node->fields[elements[step].name];
    }
    GTSIM_CHECK(node->action < 0 && node->fields.empty() && node->elements.empty(),
                "update paths are not independent");
    node->action = static_cast<int>(i);
  }
}

Item UpdatePlan::apply(const Item& current) const {
  // Every SET value is computed from the original item before anything changes.
  std::vector<AttributeValue> set_values(actions_.size());
  for (size_t i = 0; i < actions_.size(); ++i) {
    if (actions_[i].kind == UpdateAction::Kind::kSet) {
      set_values[i] = compute_update_operand(actions_[i].value, current);
    }
  }
  Item result = current;
  apply_fields(result, root_, set_values);
  return result;
}

std::set<std::string> UpdatePlan::touched_attributes() const {
  std::set<std::string> names;
  for (const auto& [name, node] : root_.fields)
    names.insert(name);
  return names;
}

void UpdatePlan::apply_fields(AttributeValue::Map& map, const Node& node,
                              const std::vector<AttributeValue>& set_values) const {
  for (const auto& [name, child] : node.fields) {
    auto it = map.find(name);
    std::optional<AttributeValue> updated =
        apply_node(it == map.end() ? nullptr : &it->second, child, set_values);
    if (updated) {
      map.insert_or_assign(name, std::move(*updated));
    } else if (it != map.end()) {
      map.erase(it);
    }
  }
}

std::optional<AttributeValue> UpdatePlan::apply_node(
    const AttributeValue* current, const Node& node,
    const std::vector<AttributeValue>& set_values) const {
  if (node.action >= 0) {
    return apply_action(actions_[node.action], current, set_values[node.action]);
  }
  if (!node.fields.empty()) {
    if (current == nullptr || current->type() != AttributeType::kM) throw_invalid_path();
    AttributeValue::Map map = current->as_map();
    apply_fields(map, node, set_values);
    return AttributeValue(std::move(map));
  }
  if (current == nullptr || current->type() != AttributeType::kL) throw_invalid_path();
  const AttributeValue::List& list = current->as_list();
  AttributeValue::List out;
  out.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    auto child = node.elements.find(i);
    if (child == node.elements.end()) {
      out.push_back(list[i]);
    } else if (auto updated = apply_node(&list[i], child->second, set_values)) {
      out.push_back(std::move(*updated));
    }
  }
  // Indexes beyond the end append, in index order.
  for (auto it = node.elements.lower_bound(list.size()); it != node.elements.end(); ++it) {
    if (auto updated = apply_node(nullptr, it->second, set_values)) {
      out.push_back(std::move(*updated));
    }
  }
  return AttributeValue(std::move(out));
}

std::optional<AttributeValue> UpdatePlan::apply_action(const UpdateAction& action,
                                                       const AttributeValue* current,
                                                       const AttributeValue& set_value) const {
  switch (action.kind) {
    case UpdateAction::Kind::kSet:
      return set_value;
    case UpdateAction::Kind::kRemove:
      return std::nullopt;
    case UpdateAction::Kind::kAdd: {
      const AttributeValue& operand = action.value.value;
      if (current == nullptr) return operand;
      if (current->type() == AttributeType::kN && operand.type() == AttributeType::kN) {
        return AttributeValue(current->as_number() + operand.as_number());
      }
      return combine_sets(*current, operand, /*add=*/true);
    }
    case UpdateAction::Kind::kDelete:
      if (current == nullptr) return std::nullopt;
      return combine_sets(*current, action.value.value, /*add=*/false);
  }
  return std::nullopt;
}

}  // namespace gtsim::expr::detail
