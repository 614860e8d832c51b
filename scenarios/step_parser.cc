#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/core.h>
#include <fmt/format.h>

#include "scenarios/scenario_parser.h"
#include "scenarios/suggest.h"
#include "scenarios/units.h"

#if GTSIM_HAVE_EXPRESSIONS
#include "expressions/expression.h"
#endif

namespace gtsim::scenarios {
namespace {

enum class ActionKind { kClient, kFault, kWait, kWorkload };

// One kind of step: its key, and the keys that may accompany it.
struct Action {
  std::string key;
  ActionKind kind;
  OpKind op;  // kClient only
  std::vector<std::string> modifiers;
};

const std::vector<std::string> kPlaceholders = {"names", "values"};

// Keys that accompany an operation, at the top level and inside a transaction alike.
std::vector<std::string> operation_modifiers(OpKind kind) {
  switch (kind) {
    case OpKind::kPut:
    case OpKind::kDelete:
    case OpKind::kConditionCheck:
      return std::vector<std::string>{"condition"} + kPlaceholders;
    case OpKind::kGet:
      return {"consistent", "projection", "names"};
    case OpKind::kUpdate:
      return std::vector<std::string>{"set",      "remove", "add", "delete", "update_expression",
                                      "condition"} +
             kPlaceholders;
    case OpKind::kQuery:
    case OpKind::kScan:
      return std::vector<std::string>{"filter", "projection", "consistent", "limit"} +
             kPlaceholders;
    case OpKind::kTransaction:
      return {};
  }
  return {};
}

Action client_action(OpKind op, std::vector<std::string> context_keys) {
  return Action{op_kind_name(op), ActionKind::kClient, op,
                std::move(context_keys) + operation_modifiers(op)};
}

const std::vector<Action>& actions() {
  static const std::vector<Action> all = [] {
    std::vector<Action> list;
    for (OpKind op : {OpKind::kPut, OpKind::kGet, OpKind::kUpdate, OpKind::kDelete, OpKind::kQuery,
                      OpKind::kScan, OpKind::kTransaction}) {
      list.push_back(client_action(op, {"in", "table", "expect"}));
    }
    for (const char* fault : {"partition", "heal", "isolate", "crash", "restart", "pause", "resume",
                              "clock", "add_replica", "remove_replica", "link"}) {
      list.push_back(Action{fault, ActionKind::kFault, OpKind::kGet, {}});
    }
    list.push_back(Action{"wait", ActionKind::kWait, OpKind::kGet, {"timeout"}});
    list.push_back(Action{"workload", ActionKind::kWorkload, OpKind::kGet, {}});
    return list;
  }();
  return all;
}

const std::vector<Action>& transaction_actions() {
  static const std::vector<Action> all = {
      client_action(OpKind::kPut, {"table"}), client_action(OpKind::kUpdate, {"table"}),
      client_action(OpKind::kDelete, {"table"}), client_action(OpKind::kConditionCheck, {"table"})};
  return all;
}

std::vector<std::string> keys_of(const std::vector<Action>& candidates) {
  std::vector<std::string> keys;
  for (const Action& action : candidates)
    keys.push_back(action.key);
  return keys;
}

// Every key some step or transaction item may have, for "does not apply here" messages.
std::vector<std::string> all_step_keys() {
  std::vector<std::string> keys = {"at", "after"};
  for (const auto* list : {&actions(), &transaction_actions()}) {
    for (const Action& action : *list) {
      keys.push_back(action.key);
      keys.insert(keys.end(), action.modifiers.begin(), action.modifiers.end());
    }
  }
  return keys;
}

const Action* find_action(std::string_view key, const std::vector<Action>& candidates) {
  for (const Action& action : candidates) {
    if (action.key == key) return &action;
  }
  return nullptr;
}

// The one action among `candidates` that the map `node` has, or nullptr when it has none. With
// update:, a delete: key is the update's DELETE clause, not a second action.
const Action* detect_action(ParseContext& ctx, const YAML::Node& node,
                            const std::vector<Action>& candidates) {
  const Action* action = nullptr;
  const bool is_update = node["update"].IsDefined();
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;
    const Action* found = find_action(kv.first.Scalar(), candidates);
    if (found == nullptr || found == action || (is_update && found->key == "delete")) continue;
    if (action != nullptr) {
      ctx.fail(kv.first,
               fmt::format("a step does one thing, but this one has both '{}' and '{}'",
                           action->key, found->key),
               "split it into two");
    }
    action = found;
  }
  return action;
}

// The map of a step or transaction item, checked against the keys of its action. Without an
// action, reports the unknown keys and fails.
MapReader read_action_map(ParseContext& ctx, const YAML::Node& node, const Action* action,
                          const std::vector<Action>& candidates, const std::string& what,
                          const std::vector<std::string>& context_keys) {
  if (action == nullptr) {
    // Say what is wrong with the keys if anything is; else what is missing.
    std::vector<std::string> valid = context_keys;
    for (const Action& candidate : candidates) {
      valid = valid + std::vector<std::string>{candidate.key} + candidate.modifiers;
    }
    const size_t errors_before = ctx.error_count();
    const MapReader map(ctx, node, "a " + what, valid, all_step_keys());
    if (ctx.error_count() > errors_before) throw Bail{};
    ctx.fail(node, fmt::format("this {} does nothing", what),
             fmt::format("it needs one of {}", fmt::join(keys_of(candidates), ", ")));
  }
  return MapReader(ctx, node, fmt::format("a {} {}", action->key, what),
                   context_keys + std::vector<std::string>{action->key} + action->modifiers,
                   all_step_keys());
}

// A placeholder not yet used in `taken`: prefix0, prefix1...
template <typename Map>
std::string fresh_placeholder(const Map& taken, const std::string& prefix) {
  for (int i = 0;; ++i) {
    std::string name = prefix + std::to_string(i);
    if (!taken.contains(name)) return name;
  }
}

constexpr std::int64_t kMaxTransactionItems = 100;

}  // namespace

// ---------------------------------------------------------------------------------------------
// The step list and timing

void ScenarioParser::parse_steps(const YAML::Node& node) {
  if (!node.IsSequence()) {
    ctx_.fail(node, "steps must be a list", "e.g. steps: [{in: us-east-1, put: {id: \"1\"}}]");
  }
  for (const YAML::Node& entry : node) {
    ctx_.attempt([&] {
      Step step = parse_step(entry);
      if (const auto* wait = std::get_if<WaitFor>(&step.action)) previous_end_ += wait->duration;
      track_state(step);
      scenario_.steps.push_back(std::move(step));
    });
  }
}

Step ScenarioParser::parse_live_fault(const Scenario& base, const YAML::Node& node) {
  scenario_ = base;
  for (const Region& region : base.regions) {
    if (region.initial_replica) members_.insert(region.name);
  }
  // Checked first: a client step would otherwise fail on what it lacks (a table, a region), which
  // hides that it cannot be sent live at all.
  if (node.IsMap()) {
    const Action* action = detect_action(ctx_, node, actions());
    if (action != nullptr && action->kind != ActionKind::kFault) {
      std::vector<std::string> faults;
      for (const Action& candidate : actions()) {
        if (candidate.kind == ActionKind::kFault) faults.push_back(candidate.key);
      }
      ctx_.fail(node,
                fmt::format("only faults can be sent live ({}), not {}", fmt::join(faults, ", "),
                            action->key),
                action->kind == ActionKind::kClient
                    ? "send client operations to the region's DynamoDB endpoint"
                    : "");
    }
  }
  return parse_step(node);
}

Step ScenarioParser::parse_step(const YAML::Node& node) {
  Step step;
  step.pos = ctx_.pos(node);
  step.earliest = previous_end_;
  if (node.IsScalar()) {
    // Steps without arguments may be written bare: "- heal".
    const std::string& word = node.Scalar();
    if (word == "heal") {
      step.action = Fault{HealFault{}};
    } else if (word == "resume") {
      step.action = Fault{ResumeFault{}};
    } else {
      ctx_.fail(node, fmt::format("'{}' is not a step", word),
                find_action(word, actions()) != nullptr
                    ? fmt::format("write it as a map, e.g. {{{}: ...}}", word)
                    : suggestion_hint(word, {"heal", "resume"}) + " (or write a step as a map)");
    }
    return step;
  }
  if (!node.IsMap())
    ctx_.fail(node, "a step must be a map", "e.g. {in: us-east-1, get: {id: \"1\"}}");

  const Action* action = detect_action(ctx_, node, actions());
  const MapReader map = read_action_map(ctx_, node, action, actions(), "step", {"at", "after"});
  if (const auto* at = map.find("at")) {
    ctx_.attempt([&] {
      step.at = ctx_.duration(*at, "at");
      if (*step.at < previous_end_) {
        ctx_.error(*at,
                   fmt::format("step time goes backwards: at {} is before the previous step "
                               "ends ({} at the earliest)",
                               format_duration(*step.at), format_duration(previous_end_)),
                   "steps run in file order; use a later at: or after:");
      }
    });
    if (map.has("after"))
      ctx_.error(map.key_pos("after"), "a step has either at: or after:, not both");
  } else if (const auto* after = map.find("after")) {
    ctx_.attempt([&] { step.after = ctx_.duration(*after, "after"); });
  }
  // Known now, so that later steps are timed even if the rest of this one is wrong.
  step.earliest = step.at ? *step.at : previous_end_ + step.after;
  previous_end_ = step.earliest;
  const YAML::Node& value = map.require(action->key);
  switch (action->kind) {
    case ActionKind::kClient: {
      ClientStep client;
      client.region = region_ref(map.require("in"));
      client.operation = parse_operation(map, action->op);
      if (const auto* expect = map.find("expect")) {
        client.expect = parse_result_expectation(*expect, action->op);
      }
      step.action = std::move(client);
      break;
    }
    case ActionKind::kFault:
      step.action = parse_fault(map, action->key);
      break;
    case ActionKind::kWait:
      if (value.IsScalar() && value.Scalar() == "converged") {
        WaitConverged wait;
        if (const auto* timeout = map.find("timeout"))
          wait.timeout = ctx_.duration(*timeout, "timeout");
        step.action = wait;
      } else {
        if (map.has("timeout")) {
          ctx_.error(map.key_pos("timeout"), "timeout applies to wait: converged only");
        }
        if (!value.IsScalar() || !parse_duration(value.Scalar())) {
          ctx_.fail(value,
                    fmt::format("wait takes 'converged' or a duration, not {}",
                                value.IsScalar() ? "'" + value.Scalar() + "'" : "a map"),
                    "e.g. wait: converged, or wait: 2s");
        }
        step.action = WaitFor{ctx_.duration(value, "wait")};
      }
      break;
    case ActionKind::kWorkload:
      step.action = parse_workload(value, step.pos);
      break;
  }
  return step;
}

// ---------------------------------------------------------------------------------------------
// Client operations

Operation ScenarioParser::parse_operation(const MapReader& map, OpKind kind) {
  Operation op;
  op.kind = kind;
  const YAML::Node& value = map.require(op_kind_name(kind));
  op.pos = ctx_.pos(map.node());
  if (kind == OpKind::kTransaction) {
    if (!value.IsSequence() || value.size() == 0 ||
        static_cast<std::int64_t>(value.size()) > kMaxTransactionItems) {
      ctx_.fail(value, "transaction must be a list of 1 to 100 operations",
                "e.g. transaction: [{put: {id: \"1\"}}, {delete: {id: \"2\"}}]");
    }
    for (const YAML::Node& entry : value) {
      ctx_.attempt([&] {
        if (!entry.IsMap()) {
          ctx_.fail(entry, "a transaction item must be a map",
                    "e.g. {put: {id: \"1\"}, condition: \"attribute_not_exists(id)\"}");
        }
        const Action* action = detect_action(ctx_, entry, transaction_actions());
        const MapReader item =
            read_action_map(ctx_, entry, action, transaction_actions(), "transaction item", {});
        op.transact_items.push_back(parse_operation(item, action->op));
      });
    }
    if (op.transact_items.size() != value.size()) throw Bail{};
    return op;
  }

  const Table& table = table_ref(map.find("table"), op.pos);
  op.table = table.spec.name;
  switch (kind) {
    case OpKind::kPut:
      op.item = ctx_.item(value);
      try {
        table.spec.key_schema.key_of_item(op.item);
      } catch (const DynamoError& e) {
        ctx_.fail(value, e.what(),
                  fmt::format("table '{}' is keyed by {}", table.spec.name,
                              table.spec.key_schema.partition.name));
      }
      if (item_size_bytes(op.item) > kMaxItemSizeBytes) {
        ctx_.fail(value, "the item is larger than DynamoDB's 400 KB limit");
      }
      break;
    case OpKind::kGet:
    case OpKind::kUpdate:
    case OpKind::kDelete:
    case OpKind::kConditionCheck:
      op.key = ctx_.item(value);
      try {
        table.spec.key_schema.validate_key(op.key);
      } catch (const DynamoError& e) {
        ctx_.fail(value, e.what(), "give exactly the key attributes of the item");
      }
      break;
    case OpKind::kQuery:
      op.key_condition = Expression{ctx_.scalar(value, "query"), ctx_.pos(value)};
      break;
    case OpKind::kScan:
      if (!ctx_.boolean(value, "scan"))
        ctx_.fail(value, "scan: false scans nothing; remove the step");
      break;
    case OpKind::kTransaction:
      break;
  }
  const auto expression = [&](const char* key) -> std::optional<Expression> {
    const YAML::Node* node = map.find(key);
    if (node == nullptr) return std::nullopt;
    return Expression{ctx_.scalar(*node, key), ctx_.pos(*node)};
  };
  op.condition = expression("condition");
  op.filter = expression("filter");
  op.projection = expression("projection");
  if (const auto* consistent = map.find("consistent")) {
    op.consistent = ctx_.boolean(*consistent, "consistent");
  }
  if (const auto* limit = map.find("limit")) {
    op.limit = ctx_.integer(*limit, "limit", 1, INT32_MAX);
  }
  parse_placeholders(map, op);
  std::vector<Expression> clauses;
  if (kind == OpKind::kUpdate) clauses = parse_update_clauses(map, op);
  check_expressions(map, op, table, clauses);
  return op;
}

void ScenarioParser::parse_placeholders(const MapReader& map, Operation& op) {
  // Placeholder maps hold user names, so their keys are checked for form only.
  const auto entries = [&](const char* key, char sigil, auto&& add) {
    const YAML::Node* node = map.find(key);
    if (node == nullptr) return;
    if (!node->IsMap()) {
      ctx_.fail(*node, fmt::format("{} must be a map", key),
                sigil == '#' ? "e.g. names: {\"#n\": name}" : "e.g. values: {\":v\": 1}");
    }
    for (const auto& kv : *node) {
      ctx_.attempt([&] {
        const std::string placeholder = ctx_.scalar(kv.first, "placeholder");
        if (placeholder.size() < 2 || placeholder[0] != sigil) {
          ctx_.fail(kv.first, fmt::format("'{}' is not a placeholder for {}", placeholder, key),
                    fmt::format("{} placeholders start with {}, e.g. {}x", key, sigil, sigil));
        }
        add(placeholder, kv.second, kv.first);
      });
    }
  };
  entries("names", '#',
          [&](const std::string& placeholder, const YAML::Node& value, const YAML::Node& key) {
            if (!op.names.emplace(placeholder, ctx_.scalar(value, "attribute name")).second) {
              ctx_.fail(key, fmt::format("duplicate placeholder {}", placeholder));
            }
          });
  entries("values", ':',
          [&](const std::string& placeholder, const YAML::Node& value, const YAML::Node& key) {
            if (!op.values.emplace(placeholder, ctx_.value(value)).second) {
              ctx_.fail(key, fmt::format("duplicate placeholder {}", placeholder));
            }
          });
}

std::vector<Expression> ScenarioParser::parse_update_clauses(const MapReader& map, Operation& op) {
  std::vector<Expression> clauses;
  if (const auto* text = map.find("update_expression")) {
    for (const char* clause : {"set", "remove", "add", "delete"}) {
      if (map.has(clause)) {
        ctx_.fail(map.key_pos(clause),
                  fmt::format("use either update_expression or {}: and the other clauses", clause));
      }
    }
    clauses.push_back(Expression{ctx_.scalar(*text, "update_expression"), ctx_.pos(*text)});
    op.update = clauses.back();
    return clauses;
  }
  // Each clause is written as text ("visits = visits + :one") or, for the common case, as a map
  // of top-level attributes to plain values, turned into placeholders here.
  const auto placeholder_name = [&](const std::string& attribute, const std::string& prefix) {
    std::string name = fresh_placeholder(op.names, "#" + prefix);
    op.names.emplace(name, attribute);
    return name;
  };
  const auto placeholder_value = [&](const YAML::Node& node, const std::string& prefix) {
    std::string name = fresh_placeholder(op.values, ":" + prefix);
    op.values.emplace(name, ctx_.value(node));
    return name;
  };
  for (const char* clause : {"set", "remove", "add", "delete"}) {
    const YAML::Node* node = map.find(clause);
    if (node == nullptr) continue;
    const std::string keyword = clause == std::string("set")      ? "SET"
                                : clause == std::string("remove") ? "REMOVE"
                                : clause == std::string("add")    ? "ADD"
                                                                  : "DELETE";
    std::vector<std::string> actions;
    if (node->IsScalar()) {
      actions.push_back(node->Scalar());
    } else if (node->IsMap() && keyword != "REMOVE") {
      for (const auto& kv : *node) {
        const std::string name = placeholder_name(ctx_.scalar(kv.first, "attribute name"), clause);
        const std::string value = placeholder_value(kv.second, clause);
        actions.push_back(keyword == "SET" ? name + " = " + value : name + " " + value);
      }
    } else if (node->IsSequence() && keyword == "REMOVE") {
      for (const YAML::Node& attribute : *node) {
        actions.push_back(placeholder_name(ctx_.scalar(attribute, "attribute name"), clause));
      }
    } else {
      ctx_.fail(*node,
                fmt::format("{}: takes an expression or a {}", clause,
                            keyword == "REMOVE" ? "list of attribute names"
                                                : "map of attribute names to values"),
                keyword == "REMOVE" ? "e.g. remove: [tmp]"
                                    : fmt::format("e.g. {}: {{visits: 1}}", clause));
    }
    if (actions.empty()) ctx_.fail(*node, fmt::format("{}: is empty", clause));
    clauses.push_back(
        Expression{fmt::format("{} {}", keyword, fmt::join(actions, ", ")), ctx_.pos(*node)});
  }
  if (clauses.empty()) {
    ctx_.fail(map.node(), "an update needs set:, remove:, add:, delete: or update_expression:",
              "e.g. {in: us-east-1, update: {id: \"1\"}, set: {name: carol}}");
  }
  std::vector<std::string> texts;
  for (const Expression& e : clauses)
    texts.push_back(e.text);
  op.update = Expression{fmt::format("{}", fmt::join(texts, " ")), clauses.front().pos};
  return clauses;
}

void ScenarioParser::check_expressions(const MapReader& map, const Operation& op,
                                       const Table& table,
                                       const std::vector<Expression>& update_clauses) {
#if GTSIM_HAVE_EXPRESSIONS
  expr::ExpressionAttributes attributes(op.names, op.values);
  bool all_parsed = true;
  const auto check = [&](const std::optional<Expression>& e, const char* what, auto parse) {
    if (!e) return;
    try {
      parse(e->text, attributes);
    } catch (const DynamoError& error) {
      ctx_.error(e->pos, fmt::format("invalid {}: {}", what, error.what()));
      all_parsed = false;
    }
  };
  check(op.condition, "condition", [](std::string_view text, expr::ExpressionAttributes& a) {
    expr::ConditionExpression::parse(text, a);
  });
  check(op.filter, "filter", [](std::string_view text, expr::ExpressionAttributes& a) {
    expr::ConditionExpression::parse(text, a, expr::ConditionKind::kFilter);
  });
  check(op.projection, "projection", [](std::string_view text, expr::ExpressionAttributes& a) {
    expr::ProjectionExpression::parse(text, a);
  });
  check(op.key_condition, "key condition",
        [&](std::string_view text, expr::ExpressionAttributes& a) {
          expr::KeyConditionExpression::parse(text, a, table.spec.key_schema);
        });
  // Each clause alone first, so that an error points at the clause that has it.
  bool clauses_parsed = true;
  for (const Expression& clause : update_clauses) {
    expr::ExpressionAttributes scratch(op.names, op.values);
    try {
      expr::UpdateExpression::parse(clause.text, scratch);
    } catch (const DynamoError& error) {
      ctx_.error(clause.pos, fmt::format("invalid update: {}", error.what()));
      clauses_parsed = false;
    }
  }
  if (!clauses_parsed) throw Bail{};
  check(op.update, "update", [&](std::string_view text, expr::ExpressionAttributes& a) {
    for (const std::string& attribute :
         expr::UpdateExpression::parse(text, a).touched_attributes()) {
      if (table.spec.key_schema.is_key_attribute(attribute)) {
        throw DynamoError(ErrorType::kValidation,
                          fmt::format("'{}' is part of the key and cannot be updated", attribute));
      }
    }
  });
  if (!all_parsed) throw Bail{};
  try {
    attributes.check_all_used();
  } catch (const DynamoError& error) {
    const std::string message = error.what();
    const bool about_values = message.find("Values") != std::string::npos;
    ctx_.fail(map.key_pos(about_values ? "values" : "names"), message);
  }
#else
  (void)map, (void)op, (void)table, (void)update_clauses;
#endif
}

ResultExpectation ScenarioParser::parse_result_expectation(const YAML::Node& node, OpKind kind) {
  static const std::vector<std::string> kReserved = {"error", "reasons", "absent", "item",
                                                     "has",   "items",   "count"};
  ResultExpectation expect;
  expect.pos = ctx_.pos(node);
  const bool reads_item = kind == OpKind::kGet || kind == OpKind::kUpdate;
  bool structured = !node.IsMap();
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (kv.first.IsScalar() &&
          std::find(kReserved.begin(), kReserved.end(), kv.first.Scalar()) != kReserved.end()) {
        structured = true;
      }
    }
  }
  // A map of plain attributes is short for has: (the item has these values).
  if (!structured && reads_item) {
    expect.has = ctx_.item(node);
    return expect;
  }
  std::vector<std::string> allowed = {"error"};
  switch (kind) {
    case OpKind::kGet:
      allowed = {"error", "absent", "item", "has"};
      break;
    case OpKind::kUpdate:
      allowed = {"error", "item", "has"};
      break;
    case OpKind::kQuery:
    case OpKind::kScan:
      allowed = {"error", "items", "count"};
      break;
    case OpKind::kTransaction:
      allowed = {"error", "reasons"};
      break;
    default:
      break;
  }
  const MapReader map(ctx_, node, fmt::format("the expect of a {}", op_kind_name(kind)), allowed,
                      kReserved);
  if (const auto* error = map.find("error")) {
    static const ErrorType kErrors[] = {
        ErrorType::kValidation,          ErrorType::kConditionalCheckFailed,
        ErrorType::kTransactionCanceled, ErrorType::kResourceNotFound,
        ErrorType::kResourceInUse,       ErrorType::kInternal};
    std::vector<std::string> names;
    for (ErrorType type : kErrors)
      names.push_back(error_type_name(type));
    expect.error = kErrors[ctx_.choice(*error, "error", names)];
    if (map.has("absent") || map.has("item") || map.has("has") || map.has("items") ||
        map.has("count")) {
      ctx_.fail(*error, "expect either an error or a result, not both");
    }
  }
  if (const auto* reasons = map.find("reasons")) {
    if (expect.error != ErrorType::kTransactionCanceled) {
      ctx_.fail(map.key_pos("reasons"), "reasons go with error: TransactionCanceledException");
    }
    if (!reasons->IsSequence()) ctx_.fail(*reasons, "reasons must be a list, one per item");
    static const std::vector<std::string> kReasons = {"None",
                                                      "ConditionalCheckFailed",
                                                      "TransactionConflict",
                                                      "ValidationError",
                                                      "ItemCollectionSizeLimitExceeded",
                                                      "ProvisionedThroughputExceeded",
                                                      "ThrottlingError"};
    for (const YAML::Node& reason : *reasons) {
      expect.cancellation_reasons.push_back(kReasons[ctx_.choice(reason, "reason", kReasons)]);
    }
  }
  if (const auto* absent = map.find("absent")) {
    if (!ctx_.boolean(*absent, "absent")) ctx_.fail(*absent, "write absent: true, or leave it out");
    expect.absent = true;
  }
  if (const auto* item = map.find("item")) expect.item = ctx_.item(*item);
  if (const auto* has = map.find("has")) expect.has = ctx_.item(*has);
  if (static_cast<int>(expect.absent) + expect.item.has_value() + expect.has.has_value() > 1) {
    ctx_.fail(node, "expect one of absent, item and has");
  }
  if (const auto* items = map.find("items")) {
    if (!items->IsSequence()) ctx_.fail(*items, "items must be a list of items");
    expect.items.emplace();
    for (const YAML::Node& item : *items)
      expect.items->push_back(ctx_.item(item));
  }
  if (const auto* count = map.find("count")) {
    expect.count = parse_bound(*count, "count", BoundKind::kCount);
  }
  return expect;
}

// ---------------------------------------------------------------------------------------------
// Faults

Fault ScenarioParser::parse_fault(const MapReader& map, const std::string& key) {
  const YAML::Node& value = map.require(key);
  const auto nothing_or_true = [&](const char* what) {
    if (value.IsNull()) return;
    if (!value.IsScalar() || value.Scalar() != "true") {
      ctx_.fail(value, fmt::format("{} takes no argument", what), fmt::format("write - {}", what));
    }
  };
  if (key == "partition") return parse_partition(value);
  if (key == "isolate") {
    PartitionFault fault;
    fault.groups.push_back({region_ref(value)});
    cut_between_groups(fault, value);
    return fault;
  }
  if (key == "heal") {
    nothing_or_true("heal");
    return HealFault{};
  }
  if (key == "crash") return CrashFault{region_ref(value)};
  if (key == "restart") return RestartFault{region_ref(value)};
  if (key == "pause" || key == "resume") {
    if (key == "resume" && (value.IsNull() || (value.IsScalar() && value.Scalar() == "true"))) {
      return ResumeFault{};
    }
    const MapReader ends(ctx_, value, key, {"from", "to", "between"});
    if (key == "pause") return PauseFault{parse_link_ends(ends)};
    return ResumeFault{parse_link_ends(ends)};
  }
  if (key == "clock") {
    const MapReader clock(ctx_, value, "clock", {"region", "offset", "drift", "jump"});
    ClockFault fault;
    fault.region = region_ref(clock.require("region"));
    if (const auto* offset = clock.find("offset"))
      fault.offset = ctx_.duration(*offset, "offset", true);
    if (const auto* drift = clock.find("drift")) fault.drift_ppm = parse_drift(*drift);
    if (const auto* jump = clock.find("jump")) fault.jump = ctx_.duration(*jump, "jump", true);
    if (!fault.offset && !fault.drift_ppm && !fault.jump) {
      ctx_.fail(value, "clock needs offset:, drift: or jump:",
                "e.g. clock: {region: eu-west-1, jump: -2s}");
    }
    return fault;
  }
  if (key == "add_replica") {
    const MapReader add(ctx_, value, "add_replica", {"region", "from"});
    return AddReplicaFault{region_ref(add.require("region")), region_ref(add.require("from"))};
  }
  if (key == "remove_replica") return RemoveReplicaFault{region_ref(value)};
  return parse_link_fault(value);
}

PartitionFault ScenarioParser::parse_partition(const YAML::Node& node) {
  PartitionFault fault;
  if (node.IsMap()) {
    const MapReader map(ctx_, node, "a one-way partition", {"from", "to"});
    fault.from = region_list(map.require("from"), "from");
    fault.to = region_list(map.require("to"), "to");
    for (const std::string& a : fault.from) {
      for (const std::string& b : fault.to) {
        if (a == b) ctx_.fail(node, fmt::format("'{}' is on both sides of the partition", a));
        fault.cut.emplace(a, b);
      }
    }
    return fault;
  }
  if (!node.IsSequence() || node.size() == 0) {
    ctx_.fail(node, "partition takes a list of region groups, or {from: [...], to: [...]}",
              "e.g. partition: [[us-east-1], [eu-west-1, ap-southeast-2]]");
  }
  std::map<std::string, SourcePos> seen;
  for (const YAML::Node& group_node : node) {
    if (!group_node.IsSequence() || group_node.size() == 0) {
      ctx_.fail(group_node, "each partition group must be a non-empty list of regions",
                "e.g. partition: [[us-east-1], [eu-west-1]]");
    }
    std::vector<std::string> group;
    for (const YAML::Node& region : group_node) {
      std::string name = region_ref(region);
      if (const auto it = seen.find(name); it != seen.end()) {
        ctx_.fail(
            region, fmt::format("region '{}' is in two partition groups", name),
            fmt::format("it is already in a group at line {}, column {}; groups must not overlap",
                        it->second.line, it->second.column));
      }
      seen.emplace(name, ctx_.pos(region));
      group.push_back(std::move(name));
    }
    fault.groups.push_back(std::move(group));
  }
  cut_between_groups(fault, node);
  return fault;
}

void ScenarioParser::cut_between_groups(PartitionFault& fault, const YAML::Node& node) {
  // Regions not listed form one more group.
  std::map<std::string, size_t> group_of;
  for (const Region& region : scenario_.regions)
    group_of[region.name] = fault.groups.size();
  for (size_t g = 0; g < fault.groups.size(); ++g) {
    for (const std::string& name : fault.groups[g])
      group_of[name] = g;
  }
  for (const auto& [a, group_a] : group_of) {
    for (const auto& [b, group_b] : group_of) {
      if (group_a != group_b) fault.cut.emplace(a, b);
    }
  }
  if (fault.cut.empty()) {
    ctx_.fail(node, "this partition cuts nothing: every region is in one group",
              "list at least two groups, e.g. [[us-east-1], [eu-west-1]]");
  }
}

LinkFault ScenarioParser::parse_link_fault(const YAML::Node& node) {
  const MapReader map(ctx_, node, "link",
                      std::vector<std::string>{"from", "to", "between"} + link_patch_keys());
  LinkFault fault;
  fault.links = parse_link_ends(map);
  fault.patch = parse_link_patch(map);
  const auto& keys = link_patch_keys();
  if (std::none_of(keys.begin(), keys.end(),
                   [&](const std::string& key) { return map.has(key); })) {
    ctx_.fail(node, "link changes nothing", "e.g. link: {from: a, to: b, latency: 200ms}");
  }
  for (const LinkId& link : fault.links) {
    auto it = links_.find(link);
    if (it == links_.end()) {
      it = links_.emplace(link, scenario_.network.link(link.first, link.second)).first;
    }
    fault.patch.apply_to(it->second);
    check_link_model(it->second, ctx_.pos(node));
    check_aws_link(link, it->second, ctx_.pos(node));
  }
  return fault;
}

// ---------------------------------------------------------------------------------------------
// Workloads

Workload ScenarioParser::parse_workload(const YAML::Node& node, const SourcePos& pos) {
  const MapReader map(
      ctx_, node, "a workload",
      {"regions", "table", "rate", "duration", "keys", "distribution", "item_size", "mix"});
  Workload workload;
  if (const auto* regions = map.find("regions")) {
    workload.regions = region_list(*regions, "regions");
  } else {
    workload.regions.assign(members_.begin(), members_.end());
  }
  workload.table = table_ref(map.find("table"), pos).spec.name;
  workload.rate = ctx_.number(map.require("rate"), "rate (operations per second)", 0.001, 1e6);
  workload.duration = ctx_.duration(map.require("duration"), "duration");
  if (workload.duration == 0)
    ctx_.fail(map.require("duration"), "a workload needs a duration above 0");
  workload.key_count = 100;
  if (const auto* keys = map.find("keys")) {
    workload.key_count = ctx_.integer(*keys, "keys", 1, 1'000'000'000);
  }
  if (const auto* node = map.find("distribution")) {
    // uniform, zipf, zipf(S), hot-key or hot-key(FRACTION)
    static const std::vector<std::string> kNames = {"uniform", "zipf", "hot-key"};
    static const char* kHint = "e.g. uniform, zipf(1.1) or hot-key(0.9)";
    const std::string text = ctx_.scalar(*node, "distribution");
    const size_t open = text.find('(');
    const std::string name = text.substr(0, open);
    const auto found = std::find(kNames.begin(), kNames.end(), name);
    if (found == kNames.end()) {
      ctx_.fail(*node, fmt::format("unknown key distribution '{}'", text),
                closest_match(name, kNames) ? suggestion_hint(name, kNames) : kHint);
    }
    workload.distribution = static_cast<KeyDistribution>(found - kNames.begin());
    if (open != std::string::npos) {
      const std::string argument = text.substr(open + 1, text.size() - open - 2);
      double value = 0;
      const auto [end, ec] =
          std::from_chars(argument.data(), argument.data() + argument.size(), value);
      const bool number = text.ends_with(")") && ec == std::errc() &&
                          end == argument.data() + argument.size() && std::isfinite(value);
      if (workload.distribution == KeyDistribution::kZipf && number && value > 0 && value <= 10) {
        workload.zipf_s = value;
      } else if (workload.distribution == KeyDistribution::kHotKey && number && value > 0 &&
                 value <= 1) {
        workload.hot_fraction = value;
      } else {
        ctx_.fail(*node, fmt::format("'{}' is not a valid key distribution", text),
                  "zipf takes an exponent in (0, 10], hot-key a fraction in (0, 1], uniform "
                  "nothing; " +
                      std::string(kHint));
      }
    }
  }
  workload.item_size = 100;
  if (const auto* size = map.find("item_size")) {
    workload.item_size = ctx_.size(*size, "item_size");
    if (workload.item_size <= 0 ||
        workload.item_size > static_cast<std::int64_t>(kMaxItemSizeBytes)) {
      ctx_.fail(*size, "item_size must be between 1 byte and DynamoDB's 400KB");
    }
  }
  if (const auto* mix_node = map.find("mix")) {
    const MapReader mix(
        ctx_, *mix_node, "the operation mix",
        {"put", "update", "delete", "get", "consistent_get", "conditional_put", "transaction"});
    const auto weight = [&](const char* key, double& field) {
      if (const auto* w = mix.find(key)) field = ctx_.number(*w, key, 0, 1e9);
    };
    OperationMix& m = workload.mix;
    weight("put", m.put);
    weight("update", m.update);
    weight("delete", m.delete_);
    weight("get", m.get);
    weight("consistent_get", m.consistent_get);
    weight("conditional_put", m.conditional_put);
    weight("transaction", m.transaction);
    if (m == OperationMix{}) {
      ctx_.fail(*mix_node, "the operation mix has no weight above 0",
                "e.g. mix: {put: 50, get: 50}");
    }
  } else {
    workload.mix.put = 1;
    workload.mix.get = 1;
  }
  return workload;
}

// ---------------------------------------------------------------------------------------------
// Replica membership and crashes

void ScenarioParser::check_live(const std::string& region, const SourcePos& pos) {
  if (!regions_ok_) return;
  if (const auto it = crashed_.find(region); it != crashed_.end()) {
    ctx_.fail(pos, fmt::format("region '{}' is crashed at this step", region),
              fmt::format("it crashed at line {}; restart it first", it->second.line));
  }
  if (!members_.contains(region)) {
    const auto removed = removed_.find(region);
    ctx_.fail(pos, fmt::format("region '{}' holds no replica at this step", region),
              removed != removed_.end()
                  ? fmt::format("it was removed at line {}", removed->second.line)
                  : std::string("add it with add_replica first"));
  }
}

void ScenarioParser::track_state(const Step& step) {
  if (const auto* client = std::get_if<ClientStep>(&step.action)) {
    check_live(client->region, step.pos);
  } else if (const auto* workload = std::get_if<Workload>(&step.action)) {
    for (const std::string& region : workload->regions)
      check_live(region, step.pos);
  } else if (const auto* fault = std::get_if<Fault>(&step.action)) {
    if (const auto* crash = std::get_if<CrashFault>(fault)) {
      if (crashed_.contains(crash->region)) {
        ctx_.fail(step.pos, fmt::format("region '{}' is already crashed", crash->region));
      }
      crashed_.emplace(crash->region, step.pos);
    } else if (const auto* restart = std::get_if<RestartFault>(fault)) {
      if (crashed_.erase(restart->region) == 0) {
        ctx_.fail(step.pos,
                  fmt::format("region '{}' is not crashed, so it cannot restart", restart->region));
      }
    } else if (const auto* add = std::get_if<AddReplicaFault>(fault)) {
      if (members_.contains(add->region)) {
        ctx_.fail(step.pos, fmt::format("region '{}' already holds a replica", add->region));
      }
      if (const auto removed = removed_.find(add->region); removed != removed_.end()) {
        // Its peers hold cursors of its old sequence numbers, and its own writes that had not
        // shipped before the removal are gone with its tables: a rejoin could not converge.
        ctx_.fail(step.pos, fmt::format("region '{}' cannot hold a replica again", add->region),
                  fmt::format("it was removed at line {}; a removed region stays out of the run",
                              removed->second.line));
      }
      check_live(add->from, step.pos);
      members_.insert(add->region);
    } else if (const auto* remove = std::get_if<RemoveReplicaFault>(fault)) {
      check_live(remove->region, step.pos);
      if (members_.size() == 1) {
        ctx_.fail(step.pos, "this would remove the last replica");
      }
      members_.erase(remove->region);
      removed_.emplace(remove->region, step.pos);
    }
  }
}

}  // namespace gtsim::scenarios
