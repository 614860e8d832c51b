#include "expressions/parser.h"

#include <algorithm>
#include <iterator>
#include <limits>

#include "expressions/reserved_words.h"
#include "model/errors.h"

namespace gtsim::expr {
namespace {

using detail::ConditionNode;

constexpr std::string_view kConditionKeywords[] = {"AND", "OR", "NOT", "BETWEEN", "IN"};
constexpr std::string_view kUpdateKeywords[] = {"SET", "REMOVE", "ADD", "DELETE"};

struct FunctionSpec {
  std::string_view name;
  ConditionFunction function;
  size_t arity;
};

constexpr FunctionSpec kConditionFunctions[] = {
    {"attribute_exists", ConditionFunction::kAttributeExists, 1},
    {"attribute_not_exists", ConditionFunction::kAttributeNotExists, 1},
    {"attribute_type", ConditionFunction::kAttributeType, 2},
    {"begins_with", ConditionFunction::kBeginsWith, 2},
    {"contains", ConditionFunction::kContains, 2},
};

const FunctionSpec* find_condition_function(std::string_view name) {
  for (const FunctionSpec& spec : kConditionFunctions) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// The names DynamoDB uses for operand types in ADD and DELETE messages.
const char* long_type_name(AttributeType type) {
  switch (type) {
    case AttributeType::kS:
      return "STRING";
    case AttributeType::kN:
      return "NUMBER";
    case AttributeType::kB:
      return "BINARY";
    case AttributeType::kBOOL:
      return "BOOLEAN";
    case AttributeType::kNULL:
      return "NULL";
    case AttributeType::kM:
      return "MAP";
    case AttributeType::kL:
      return "LIST";
    case AttributeType::kSS:
      return "STRING_SET";
    case AttributeType::kNS:
      return "NUMBER_SET";
    case AttributeType::kBS:
      return "BINARY_SET";
  }
  return "UNKNOWN";
}

bool is_set_type(AttributeType type) {
  return type == AttributeType::kSS || type == AttributeType::kNS || type == AttributeType::kBS;
}

// "{N:5}", as DynamoDB shows a literal operand in BETWEEN messages.
std::string literal_text(const AttributeValue& value) {
  std::string shown;
  switch (value.type()) {
    case AttributeType::kS:
      shown = value.as_string();
      break;
    case AttributeType::kN:
      shown = value.as_number().to_string();
      break;
    default:
      shown = to_display_string(value);
      break;
  }
  return std::string("{") + type_descriptor(value.type()) + ":" + shown + "}";
}

std::string incorrect_operand_type(std::string_view function, std::string_view type) {
  return "Incorrect operand type for operator or function; operator or function: " +
         std::string(function) + ", operand type: " + std::string(type);
}

std::string misused_function(std::string_view function) {
  return "The function is not allowed to be used this way in an expression; function: " +
         std::string(function);
}

ConditionNode combine(ConditionNode::Kind kind, ConditionNode left, ConditionNode right) {
  ConditionNode node;
  node.kind = kind;
  node.children.push_back(std::move(left));
  node.children.push_back(std::move(right));
  return node;
}

}  // namespace

Parser::Parser(std::string_view text, std::string expression_kind, ExpressionAttributes& attributes)
    : text_(text), kind_(std::move(expression_kind)), attributes_(attributes) {
  if (text.empty()) fail("The expression can not be empty;");
  if (text.size() > kMaxExpressionBytes) {
    fail("Expression size has exceeded the maximum allowed size; expression size: " +
         std::to_string(text.size()));
  }
  tokens_ = tokenize(text);
}

// ---- Conditions ----

ConditionNode Parser::parse_condition() {
  grammar_keywords_.assign(std::begin(kConditionKeywords), std::end(kConditionKeywords));
  Parsed parsed = parse_or(/*bare_allowed=*/false);
  if (peek().kind != TokenKind::kEnd) syntax_error();
  throw_deferred();
  return std::move(parsed.node);
}

Parser::Parsed Parser::parse_or(bool bare_allowed) {
  Parsed left = parse_and(bare_allowed);
  while (is_keyword(peek(), "OR")) {
    advance();
    count_operator();
    Parsed right = parse_and(/*bare_allowed=*/false);
    left =
        Parsed::of(combine(ConditionNode::Kind::kOr, std::move(left.node), std::move(right.node)));
  }
  return left;
}

Parser::Parsed Parser::parse_and(bool bare_allowed) {
  Parsed left = parse_not(bare_allowed);
  while (is_keyword(peek(), "AND")) {
    advance();
    count_operator();
    Parsed right = parse_not(/*bare_allowed=*/false);
    left =
        Parsed::of(combine(ConditionNode::Kind::kAnd, std::move(left.node), std::move(right.node)));
  }
  return left;
}

Parser::Parsed Parser::parse_not(bool bare_allowed) {
  if (!is_keyword(peek(), "NOT")) return parse_primary(bare_allowed);
  advance();
  count_operator();
  enter_nesting();
  Parsed child = parse_not(/*bare_allowed=*/false);
  leave_nesting();
  ConditionNode node;
  node.kind = ConditionNode::Kind::kNot;
  node.children.push_back(std::move(child.node));
  return Parsed::of(std::move(node));
}

Parser::Parsed Parser::parse_primary(bool bare_allowed) {
  if (peek().kind != TokenKind::kLeftParen) return parse_comparison(bare_allowed);
  // "(" starts either a parenthesized condition or a parenthesized operand, as in "(a) = :v".
  advance();
  enter_nesting();
  Parsed inner = parse_or(/*bare_allowed=*/true);
  expect(TokenKind::kRightParen);
  leave_nesting();
  if (inner.parenthesized) {
    defer(Problem::kRedundantParentheses, "The expression has redundant parentheses;");
  }
  if (inner.bare_operand) {
    if (at_comparison_operator()) {
      return Parsed::of(parse_comparison_rest(std::move(*inner.bare_operand)));
    }
    if (!bare_allowed || peek().kind != TokenKind::kRightParen) syntax_error();
  }
  inner.parenthesized = true;
  return inner;
}

Parser::Parsed Parser::parse_comparison(bool bare_allowed) {
  if (at_function_call() && peek().text != "size") {
    std::string name(peek().text);
    advance();
    ConditionNode node = make_condition_function(name, parse_arguments(&Parser::parse_operand));
    if (at_comparison_operator()) {
      defer(Problem::kMisusedFunction, misused_function(name));
      return Parsed::of(parse_comparison_rest(Operand{}));
    }
    return Parsed::of(std::move(node));
  }
  Operand left = parse_operand();
  if (at_comparison_operator()) return Parsed::of(parse_comparison_rest(std::move(left)));
  if (bare_allowed && peek().kind == TokenKind::kRightParen) {
    Parsed parsed;
    parsed.bare_operand = std::move(left);
    return parsed;
  }
  if (left.kind != Operand::Kind::kSize) syntax_error();
  defer(Problem::kMisusedFunction, misused_function("size"));
  return Parsed{};
}

ConditionNode Parser::parse_comparison_rest(Operand left) {
  ConditionNode node;
  node.operands.push_back(std::move(left));
  const Token& token = peek();
  if (is_keyword(token, "BETWEEN")) {
    advance();
    count_operator();
    node.kind = ConditionNode::Kind::kBetween;
    node.operands.push_back(parse_operand());
    if (!is_keyword(peek(), "AND")) syntax_error();
    advance();
    node.operands.push_back(parse_operand());
    const Operand& lower = node.operands[1];
    const Operand& upper = node.operands[2];
    if (lower.kind == Operand::Kind::kValue && upper.kind == Operand::Kind::kValue) {
      std::string bounds = "lower bound operand: AttributeValue: " + literal_text(lower.value) +
                           ", upper bound operand: AttributeValue: " + literal_text(upper.value);
      if (lower.value.type() != upper.value.type()) {
        defer(Problem::kOperandType,
              "The BETWEEN operator requires same data type for lower and upper bounds; " + bounds);
      } else if (compare_values(Comparator::kGreater, &lower.value, &upper.value)) {
        defer(Problem::kOperandType,
              "The BETWEEN operator requires upper bound to be greater than or equal to lower "
              "bound; " +
                  bounds);
      }
    }
  } else if (is_keyword(token, "IN")) {
    advance();
    count_operator();
    node.kind = ConditionNode::Kind::kIn;
    expect(TokenKind::kLeftParen);
    node.operands.push_back(parse_operand());
    while (peek().kind == TokenKind::kComma) {
      advance();
      node.operands.push_back(parse_operand());
    }
    expect(TokenKind::kRightParen);
    if (node.operands.size() - 1 > kMaxInOperands) {
      defer(Problem::kOperandCount, "Too many operands for the IN operator; number of operands: " +
                                        std::to_string(node.operands.size() - 1) +
                                        ", maximum: " + std::to_string(kMaxInOperands));
    }
  } else {
    node.kind = ConditionNode::Kind::kCompare;
    switch (token.kind) {
      case TokenKind::kEqual:
        node.comparator = Comparator::kEqual;
        break;
      case TokenKind::kNotEqual:
        node.comparator = Comparator::kNotEqual;
        break;
      case TokenKind::kLess:
        node.comparator = Comparator::kLess;
        break;
      case TokenKind::kLessEqual:
        node.comparator = Comparator::kLessEqual;
        break;
      case TokenKind::kGreater:
        node.comparator = Comparator::kGreater;
        break;
      case TokenKind::kGreaterEqual:
        node.comparator = Comparator::kGreaterEqual;
        break;
      default:
        syntax_error();
    }
    advance();
    count_operator();
    node.operands.push_back(parse_operand());
    check_distinct(comparator_text(node.comparator), node.operands);
  }
  return node;
}

ConditionNode Parser::make_condition_function(const std::string& name, std::vector<Operand> args) {
  const FunctionSpec* spec = find_condition_function(name);
  if (spec == nullptr) {
    defer(Problem::kUnknownFunction, "Invalid function name; function: " + name);
    return ConditionNode{};
  }
  if (args.size() != spec->arity) {
    check_arity(name, args, spec->arity);
    return ConditionNode{};
  }
  switch (spec->function) {
    case ConditionFunction::kAttributeExists:
    case ConditionFunction::kAttributeNotExists:
    case ConditionFunction::kAttributeType:
      if (args[0].kind != Operand::Kind::kPath) {
        defer(Problem::kOperandType,
              "Operator or function requires a document path; operator or function: " + name);
      }
      break;
    case ConditionFunction::kBeginsWith:
      for (const Operand& arg : args) {
        std::optional<AttributeType> type = arg.static_type();
        if (type && *type != AttributeType::kS && *type != AttributeType::kB) {
          defer(Problem::kOperandType, incorrect_operand_type(name, type_descriptor(*type)));
        }
      }
      break;
    case ConditionFunction::kContains:
      break;
  }
  if (spec->function == ConditionFunction::kAttributeType) {
    std::optional<AttributeType> type = args[1].static_type();
    AttributeType named;
    if (type != AttributeType::kS) {
      defer(Problem::kOperandType,
            incorrect_operand_type(
                name, type ? type_descriptor(*type) : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"));
    } else if (!parse_type_descriptor(args[1].value.as_string(), &named)) {
      defer(Problem::kOperandType,
            "Invalid attribute type name found; type: " + args[1].value.as_string() +
                ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
    }
  }
  check_distinct(name, args);
  ConditionNode node;
  node.kind = ConditionNode::Kind::kFunction;
  node.function = spec->function;
  node.operands = std::move(args);
  return node;
}

Operand Parser::parse_operand() {
  bool parenthesized = false;
  return parse_operand(&parenthesized);
}

Operand Parser::parse_operand(bool* parenthesized) {
  *parenthesized = false;
  const Token& token = peek();
  if (token.kind == TokenKind::kValue) return resolve_value_token();
  if (token.kind == TokenKind::kLeftParen) {
    advance();
    enter_nesting();
    bool inner_parenthesized = false;
    Operand inner = parse_operand(&inner_parenthesized);
    expect(TokenKind::kRightParen);
    leave_nesting();
    if (inner_parenthesized) {
      defer(Problem::kRedundantParentheses, "The expression has redundant parentheses;");
    }
    *parenthesized = true;
    return inner;
  }
  if (at_function_call()) {
    std::string name(token.text);
    advance();
    std::vector<Operand> args = parse_arguments(&Parser::parse_operand);
    if (name != "size") {
      defer(find_condition_function(name) ? Problem::kMisusedFunction : Problem::kUnknownFunction,
            find_condition_function(name) ? misused_function(name)
                                          : "Invalid function name; function: " + name);
      return Operand{};
    }
    check_arity(name, args, 1);
    if (args.size() == 1) {
      std::optional<AttributeType> type = args[0].static_type();
      if (type == AttributeType::kN || type == AttributeType::kBOOL ||
          type == AttributeType::kNULL) {
        defer(Problem::kOperandType, incorrect_operand_type(name, type_descriptor(*type)));
      }
    }
    Operand size;
    size.kind = Operand::Kind::kSize;
    size.args = std::move(args);
    return size;
  }
  Operand path;
  path.kind = Operand::Kind::kPath;
  path.path = parse_path();
  return path;
}

// ---- Updates ----

std::vector<UpdateAction> Parser::parse_update() {
  grammar_keywords_.assign(std::begin(kUpdateKeywords), std::end(kUpdateKeywords));
  std::vector<UpdateAction> actions;
  bool seen[std::size(kUpdateKeywords)] = {};
  do {
    size_t clause = 0;
    while (clause < std::size(kUpdateKeywords) && !is_keyword(peek(), kUpdateKeywords[clause])) {
      ++clause;
    }
    if (clause == std::size(kUpdateKeywords)) syntax_error();
    if (seen[clause]) {
      fail("The \"" + std::string(kUpdateKeywords[clause]) +
           "\" section can only be used once in an update expression;");
    }
    seen[clause] = true;
    advance();
    auto kind = static_cast<UpdateAction::Kind>(clause);
    actions.push_back(parse_update_action(kind));
    while (peek().kind == TokenKind::kComma) {
      advance();
      actions.push_back(parse_update_action(kind));
    }
  } while (peek().kind != TokenKind::kEnd);
  throw_deferred();
  std::vector<DocumentPath> paths;
  for (const UpdateAction& action : actions)
    paths.push_back(action.path);
  check_paths_independent(paths, kind_);
  return actions;
}

UpdateAction Parser::parse_update_action(UpdateAction::Kind kind) {
  UpdateAction action;
  action.kind = kind;
  action.path = parse_path();
  switch (kind) {
    case UpdateAction::Kind::kSet:
      expect(TokenKind::kEqual);
      action.value = parse_set_value();
      break;
    case UpdateAction::Kind::kRemove:
      break;
    case UpdateAction::Kind::kAdd:
    case UpdateAction::Kind::kDelete: {
      if (peek().kind != TokenKind::kValue) syntax_error();
      action.value = resolve_value_token();
      AttributeType type = action.value.value.type();
      bool add = kind == UpdateAction::Kind::kAdd;
      if (!is_set_type(type) && !(add && type == AttributeType::kN)) {
        defer(Problem::kOperandType,
              std::string("Incorrect operand type for operator or function; operator: ") +
                  (add ? "ADD" : "DELETE") + ", operand type: " + long_type_name(type));
      }
      break;
    }
  }
  return action;
}

Operand Parser::parse_set_value() {
  Operand left = parse_set_operand();
  TokenKind op = peek().kind;
  if (op != TokenKind::kPlus && op != TokenKind::kMinus) return left;
  advance();
  count_operator();
  Operand result;
  result.kind = op == TokenKind::kPlus ? Operand::Kind::kPlus : Operand::Kind::kMinus;
  result.args.push_back(std::move(left));
  result.args.push_back(parse_set_operand());
  for (const Operand& arg : result.args) {
    std::optional<AttributeType> type = arg.static_type();
    if (type && *type != AttributeType::kN) {
      defer(Problem::kOperandType,
            incorrect_operand_type(op == TokenKind::kPlus ? "+" : "-", type_descriptor(*type)));
    }
  }
  return result;
}

Operand Parser::parse_set_operand() {
  const Token& token = peek();
  if (token.kind == TokenKind::kValue) return resolve_value_token();
  if (token.kind == TokenKind::kLeftParen) {
    advance();
    enter_nesting();
    Operand inner = parse_set_value();
    expect(TokenKind::kRightParen);
    leave_nesting();
    return inner;
  }
  if (!at_function_call()) {
    Operand path;
    path.kind = Operand::Kind::kPath;
    path.path = parse_path();
    return path;
  }
  std::string name(token.text);
  advance();
  Operand call;
  call.args = parse_arguments(&Parser::parse_set_operand);
  if (name == "if_not_exists") {
    call.kind = Operand::Kind::kIfNotExists;
    check_arity(name, call.args, 2);
    if (call.args.size() == 2 && call.args[0].kind != Operand::Kind::kPath) {
      defer(Problem::kOperandType,
            "Operator or function requires a document path; operator or function: " + name);
    }
  } else if (name == "list_append") {
    call.kind = Operand::Kind::kListAppend;
    check_arity(name, call.args, 2);
    for (const Operand& arg : call.args) {
      // DynamoDB refuses list_append nested directly in list_append.
      if (arg.kind == Operand::Kind::kListAppend) {
        defer(Problem::kMisusedFunction, misused_function(name));
      }
      std::optional<AttributeType> type = arg.static_type();
      if (type && *type != AttributeType::kL) {
        defer(Problem::kOperandType, incorrect_operand_type(name, type_descriptor(*type)));
      }
    }
  } else {
    defer(Problem::kUnknownFunction, "Invalid function name; function: " + name);
    return Operand{};
  }
  return call;
}

// ---- Projections ----

std::vector<DocumentPath> Parser::parse_projection() {
  grammar_keywords_.clear();
  std::vector<DocumentPath> paths;
  paths.push_back(parse_path());
  while (peek().kind == TokenKind::kComma) {
    advance();
    paths.push_back(parse_path());
  }
  if (peek().kind != TokenKind::kEnd) syntax_error();
  throw_deferred();
  check_paths_independent(paths, kind_);
  return paths;
}

// ---- Shared ----

DocumentPath Parser::parse_path() {
  auto parse_name = [this]() -> std::string {
    const Token& token = peek();
    if (token.kind == TokenKind::kName) {
      std::string placeholder(token.text);
      advance();
      try {
        return attributes_.resolve_name(placeholder);
      } catch (const DynamoError& error) {
        defer(Problem::kUndefinedPlaceholder, error.what());
        return placeholder;
      }
    }
    if (token.kind != TokenKind::kIdentifier || at_grammar_keyword()) syntax_error();
    std::string name(token.text);
    if (is_reserved_word(name)) {
      defer(Problem::kReservedWord,
            "Attribute name is a reserved keyword; reserved keyword: " + name);
    }
    advance();
    return name;
  };
  std::vector<PathElement> elements;
  elements.push_back(PathElement{parse_name()});
  while (true) {
    if (peek().kind == TokenKind::kDot) {
      advance();
      elements.push_back(PathElement{parse_name()});
    } else if (peek().kind == TokenKind::kLeftBracket) {
      advance();
      if (peek().kind != TokenKind::kNumber) syntax_error();
      // Saturate: an index this large is beyond any list's end either way.
      size_t index = 0;
      for (char digit : peek().text) {
        index = std::min<size_t>(index * 10 + static_cast<size_t>(digit - '0'),
                                 std::numeric_limits<uint32_t>::max());
      }
      advance();
      expect(TokenKind::kRightBracket);
      elements.push_back(PathElement{"", index, true});
    } else {
      break;
    }
  }
  if (elements.size() > kMaxNestingDepth) {
    defer(Problem::kPathDepth, "The document path has too many nesting levels; nesting levels: " +
                                   std::to_string(elements.size()));
  }
  return DocumentPath(std::move(elements));
}

std::vector<Operand> Parser::parse_arguments(Operand (Parser::*parse_one)()) {
  expect(TokenKind::kLeftParen);
  enter_nesting();
  count_operator();
  std::vector<Operand> args;
  args.push_back((this->*parse_one)());
  while (peek().kind == TokenKind::kComma) {
    advance();
    args.push_back((this->*parse_one)());
  }
  expect(TokenKind::kRightParen);
  leave_nesting();
  return args;
}

Operand Parser::resolve_value_token() {
  std::string placeholder(peek().text);
  advance();
  Operand operand;
  operand.kind = Operand::Kind::kValue;
  try {
    operand.value = attributes_.resolve_value(placeholder);
  } catch (const DynamoError& error) {
    defer(Problem::kUndefinedPlaceholder, error.what());
  }
  return operand;
}

bool Parser::at_grammar_keyword() const {
  return std::any_of(grammar_keywords_.begin(), grammar_keywords_.end(),
                     [this](std::string_view keyword) { return is_keyword(peek(), keyword); });
}

bool Parser::at_function_call() const {
  return peek().kind == TokenKind::kIdentifier && !at_grammar_keyword() &&
         peek_next().kind == TokenKind::kLeftParen;
}

bool Parser::at_comparison_operator() const {
  switch (peek().kind) {
    case TokenKind::kEqual:
    case TokenKind::kNotEqual:
    case TokenKind::kLess:
    case TokenKind::kLessEqual:
    case TokenKind::kGreater:
    case TokenKind::kGreaterEqual:
      return true;
    default:
      return is_keyword(peek(), "BETWEEN") || is_keyword(peek(), "IN");
  }
}

void Parser::expect(TokenKind kind) {
  if (peek().kind != kind) syntax_error();
  advance();
}

void Parser::count_operator() {
  if (++operators_ > kMaxOperators) {
    fail("The expression contains too many operators; maximum: " + std::to_string(kMaxOperators));
  }
}

void Parser::enter_nesting() {
  if (++depth_ > kMaxNestingDepth) {
    fail("The expression has too many nesting levels; maximum: " +
         std::to_string(kMaxNestingDepth));
  }
}

void Parser::check_arity(const std::string& function, const std::vector<Operand>& args,
                         size_t arity) {
  if (args.size() != arity) {
    defer(Problem::kOperandCount,
          "Incorrect number of operands for operator or function; operator or function: " +
              function + ", number of operands: " + std::to_string(args.size()));
  }
}

void Parser::check_distinct(const std::string& op, const std::vector<Operand>& operands) {
  if (operands.empty() || operands[0].kind != Operand::Kind::kPath) return;
  for (size_t i = 1; i < operands.size(); ++i) {
    if (operands[i].kind == Operand::Kind::kPath && operands[i].path == operands[0].path) {
      defer(Problem::kDistinctOperands,
            "The first operand must be distinct from the remaining operands for this operator "
            "or function; operator: " +
                op + ", first operand: " + operands[0].path.to_string());
      return;
    }
  }
}

void Parser::defer(Problem problem, std::string message) {
  auto& slot = problems_[static_cast<size_t>(problem)];
  if (!slot) slot = std::move(message);
}

void Parser::throw_deferred() const {
  for (const auto& problem : problems_) {
    if (problem) fail(*problem);
  }
}

void Parser::fail(const std::string& message) const {
  throw_validation("Invalid " + kind_ + ": " + message);
}

void Parser::syntax_error() const {
  fail(syntax_error_message(text_, tokens_, pos_));
}

}  // namespace gtsim::expr
