// Parser: DynamoDB's expression grammars, by recursive descent over the tokenizer's output.
//
//   condition  := or
//   or         := and ("OR" and)*                    (NOT binds tighter than AND, AND than OR)
//   and        := not ("AND" not)*
//   not        := "NOT" not | primary
//   primary    := "(" condition ")" | operand comparator operand
//               | operand "BETWEEN" operand "AND" operand | operand "IN" "(" operand, ... ")"
//               | function "(" operand, ... ")"
//   operand    := path | :value | size "(" operand ")" | "(" operand ")"
//   path       := name ("." name | "[" digits "]")*          name := identifier | #placeholder
//   update     := (("SET" set, ...) | ("REMOVE" path, ...) | ("ADD" path :value, ...)
//                 | ("DELETE" path :value, ...))+            each clause at most once
//   set        := path "=" setvalue      setvalue := setoperand (("+" | "-") setoperand)?
//   setoperand := path | :value | if_not_exists "(" ... ")" | list_append "(" ... ")"
//               | "(" setvalue ")"
//   projection := path ("," path)*
//
// Like DynamoDB, a syntax error is reported at once, while semantic errors (reserved words,
// undefined placeholders, unknown or misused functions, operand types, ...) are reported after a
// syntactically valid parse, the most important kind first.
//
// Ownership: a Parser borrows the text and the ExpressionAttributes for its lifetime; what it
// returns owns everything it needs. Not thread-safe; one Parser parses one expression once.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expressions/condition_node.h"
#include "expressions/expression.h"
#include "expressions/tokenizer.h"
#include "expressions/update_plan.h"

namespace gtsim::expr {

// DynamoDB's limits on one expression.
constexpr size_t kMaxExpressionBytes = 4096;
constexpr int kMaxOperators = 300;
constexpr size_t kMaxNestingDepth = 32;  // of parentheses and function calls, and of paths
constexpr size_t kMaxInOperands = 100;

class Parser {
 public:
  // `expression_kind` names the request parameter in messages ("ConditionExpression", ...).
  // Throws DynamoError(kValidation) for an empty or oversized text.
  Parser(std::string_view text, std::string expression_kind, ExpressionAttributes& attributes);

  // Each throws DynamoError(kValidation) with the first error DynamoDB would report.
  detail::ConditionNode parse_condition();
  std::vector<UpdateAction> parse_update();
  std::vector<DocumentPath> parse_projection();

 private:
  // Semantic errors, in the order of precedence DynamoDB reports them.
  enum class Problem {
    kRedundantParentheses,
    kUnknownFunction,
    kMisusedFunction,
    kReservedWord,
    kUndefinedPlaceholder,
    kOperandCount,
    kDistinctOperands,
    kOperandType,
    kPathDepth,
    kCount,
  };

  // A condition, or (inside parentheses) an operand still waiting for its comparator, as in
  // "(a) = :v".
  struct Parsed {
    detail::ConditionNode node;
    std::optional<Operand> bare_operand;
    bool parenthesized = false;

    static Parsed of(detail::ConditionNode node) {
      Parsed parsed;
      parsed.node = std::move(node);
      return parsed;
    }
  };

  // Conditions.
  Parsed parse_or(bool bare_allowed);
  Parsed parse_and(bool bare_allowed);
  Parsed parse_not(bool bare_allowed);
  Parsed parse_primary(bool bare_allowed);
  Parsed parse_comparison(bool bare_allowed);
  detail::ConditionNode parse_comparison_rest(Operand left);
  detail::ConditionNode make_condition_function(const std::string& name, std::vector<Operand> args);
  Operand parse_operand();
  Operand parse_operand(bool* parenthesized);

  // Updates.
  UpdateAction parse_update_action(UpdateAction::Kind kind);
  Operand parse_set_value();
  Operand parse_set_operand();

  // Shared.
  DocumentPath parse_path();
  std::vector<Operand> parse_arguments(Operand (Parser::*parse_one)());
  Operand resolve_value_token();
  bool at_function_call() const;
  bool at_grammar_keyword() const;
  bool at_comparison_operator() const;

  const Token& peek() const { return tokens_[pos_]; }
  const Token& peek_next() const { return tokens_[pos_ + 1 < tokens_.size() ? pos_ + 1 : pos_]; }
  void advance() {
    if (pos_ + 1 < tokens_.size()) ++pos_;
  }
  void expect(TokenKind kind);
  void count_operator();
  void enter_nesting();
  void leave_nesting() { --depth_; }
  void check_arity(const std::string& function, const std::vector<Operand>& args, size_t arity);
  void check_distinct(const std::string& op, const std::vector<Operand>& operands);
  void defer(Problem problem, std::string message);
  void throw_deferred() const;
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void syntax_error() const;

  std::string_view text_;
  std::string kind_;
  ExpressionAttributes& attributes_;
  std::vector<Token> tokens_;
  std::vector<std::string_view> grammar_keywords_;
  size_t pos_ = 0;
  size_t depth_ = 0;
  int operators_ = 0;
  std::array<std::optional<std::string>, static_cast<size_t>(Problem::kCount)> problems_;
};

}  // namespace gtsim::expr
