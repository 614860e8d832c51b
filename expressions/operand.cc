#include "expressions/operand.h"

#include "model/errors.h"

namespace gtsim::expr {
namespace {

// size(): bytes of S and B (DynamoDB measures string sizes in UTF-8 bytes), members of sets,
// entries of M and L.
std::optional<size_t> size_of(const AttributeValue& value) {
  switch (value.type()) {
    case AttributeType::kS:
      return value.as_string().size();
    case AttributeType::kB:
      return value.as_binary().bytes.size();
    case AttributeType::kM:
      return value.as_map().size();
    case AttributeType::kL:
      return value.as_list().size();
    case AttributeType::kSS:
      return value.as_string_set().size();
    case AttributeType::kNS:
      return value.as_number_set().size();
    case AttributeType::kBS:
      return value.as_binary_set().size();
    case AttributeType::kN:
    case AttributeType::kBOOL:
    case AttributeType::kNULL:
      return std::nullopt;
  }
  return std::nullopt;
}

[[noreturn]] void throw_incorrect_data_type() {
  throw_validation("An operand in the update expression has an incorrect data type");
}

}  // namespace

std::optional<AttributeType> Operand::static_type() const {
  switch (kind) {
    case Kind::kValue:
      return value.type();
    case Kind::kSize:
    case Kind::kPlus:
    case Kind::kMinus:
      return AttributeType::kN;
    case Kind::kListAppend:
      return AttributeType::kL;
    case Kind::kPath:
    case Kind::kIfNotExists:
      return std::nullopt;
  }
  return std::nullopt;
}

const AttributeValue* resolve_condition_operand(const Operand& operand, const Item* item,
                                                AttributeValue& scratch) {
  switch (operand.kind) {
    case Operand::Kind::kValue:
      return &operand.value;
    case Operand::Kind::kPath:
      return item ? operand.path.find(*item) : nullptr;
    case Operand::Kind::kSize: {
      const AttributeValue* target = resolve_condition_operand(operand.args[0], item, scratch);
      std::optional<size_t> size = target ? size_of(*target) : std::nullopt;
      if (!size) return nullptr;
      scratch = Decimal::from_int(static_cast<int64_t>(*size));
      return &scratch;
    }
    default:
      // Update-only operands never reach a condition (the parser refuses them there).
      GTSIM_CHECK(false, "update operand in a condition");
  }
  return nullptr;
}

AttributeValue compute_update_operand(const Operand& operand, const Item& item) {
  switch (operand.kind) {
    case Operand::Kind::kValue:
      return operand.value;
    case Operand::Kind::kPath: {
      const AttributeValue* found = operand.path.find(item);
      if (!found) {
        throw_validation(
            "The provided expression refers to an attribute that does not exist in "
            "the item");
      }
      return *found;
    }
    case Operand::Kind::kIfNotExists: {
      const AttributeValue* found = operand.args[0].path.find(item);
      return found ? *found : compute_update_operand(operand.args[1], item);
    }
    case Operand::Kind::kListAppend: {
      AttributeValue first = compute_update_operand(operand.args[0], item);
      AttributeValue second = compute_update_operand(operand.args[1], item);
      if (first.type() != AttributeType::kL || second.type() != AttributeType::kL) {
        throw_incorrect_data_type();
      }
      auto& list = first.as_list();
      const auto& tail = second.as_list();
      list.insert(list.end(), tail.begin(), tail.end());
      return first;
    }
    case Operand::Kind::kPlus:
    case Operand::Kind::kMinus: {
      AttributeValue left = compute_update_operand(operand.args[0], item);
      AttributeValue right = compute_update_operand(operand.args[1], item);
      if (left.type() != AttributeType::kN || right.type() != AttributeType::kN) {
        throw_incorrect_data_type();
      }
      return operand.kind == Operand::Kind::kPlus ? left.as_number() + right.as_number()
                                                  : left.as_number() - right.as_number();
    }
    case Operand::Kind::kSize:
      GTSIM_CHECK(false, "size() in an update");
  }
  return {};
}

}  // namespace gtsim::expr
