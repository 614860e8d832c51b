// Seeded fuzzing of every parser: random token soup and random mutations of valid expressions
// must only ever produce a result or a ValidationException, never a crash or another exception.
#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "expressions/expression.h"
#include "test_support.h"

namespace gtsim::expr {
namespace {

using testing::sample_attributes;
using testing::sample_item;

const std::vector<std::string> kVocabulary = {"a",
                                              "b",
                                              "visits",
                                              "who",
                                              "seq",
                                              "doc",
                                              "tags",
                                              "nums",
                                              "#n",
                                              "#dotted",
                                              "#nope",
                                              ":one",
                                              ":a",
                                              ":list2",
                                              ":tags_a",
                                              ":nums_9",
                                              ":big",
                                              ":null",
                                              ":S",
                                              ":nope",
                                              "status",
                                              "AND",
                                              "OR",
                                              "NOT",
                                              "BETWEEN",
                                              "IN",
                                              "SET",
                                              "REMOVE",
                                              "ADD",
                                              "DELETE",
                                              "(",
                                              ")",
                                              "[",
                                              "]",
                                              ".",
                                              ",",
                                              "=",
                                              "<>",
                                              "<",
                                              "<=",
                                              ">",
                                              ">=",
                                              "+",
                                              "-",
                                              "0",
                                              "1",
                                              "99999999999",
                                              "size",
                                              "contains",
                                              "begins_with",
                                              "attribute_exists",
                                              "attribute_not_exists",
                                              "attribute_type",
                                              "if_not_exists",
                                              "list_append",
                                              "foo",
                                              "_",
                                              "$",
                                              "#",
                                              ":",
                                              "\xc3\xa9",
                                              "\xff",
                                              "\t",
                                              "id",
                                              "ts"};

const std::vector<std::string> kSeeds = {
    "visits = :one AND (who BETWEEN :a AND :S OR NOT contains(tags, :a))",
    "size(seq) > :one OR attribute_type(doc.core, :S) AND seq[1] IN (:one, :a)",
    "SET a = list_append(if_not_exists(seq, :list2), :list2), b = visits + :one REMOVE doc.s",
    "ADD visits :one, tags :tags_a DELETE nums :nums_9 SET seq[7] = :a",
    "who, doc.core.deep, seq[2].k, #n",
    "id = :a AND ts BETWEEN :one AND :big",
    "id = :a AND begins_with(ts, :a)",
};

struct Outcome {
  int results = 0;
  int validation_errors = 0;
  std::vector<std::string> failures;
};

// Runs `action`; anything but a result or DynamoError(kValidation) is a failure.
template <typename Action>
void run_one(const std::string& text, Outcome& outcome, Action action) {
  try {
    action();
    ++outcome.results;
  } catch (const DynamoError& error) {
    if (error.type() == ErrorType::kValidation) {
      ++outcome.validation_errors;
    } else {
      outcome.failures.push_back(text + " -> wrong error type: " + error.what());
    }
  } catch (const std::exception& error) {
    outcome.failures.push_back(text + " -> " + error.what());
  }
}

// Every parser, and on success every evaluation, on one text.
void exercise(const std::string& text, Outcome& outcome) {
  const Item item = sample_item();
  KeySchema schema;
  schema.partition = {"id", AttributeType::kS};
  schema.sort = KeyAttribute{"ts", AttributeType::kN};
  run_one(text, outcome, [&] {
    ExpressionAttributes attributes = sample_attributes();
    auto condition = ConditionExpression::parse(text, attributes);
    condition.evaluate(&item);
    condition.evaluate(nullptr);
  });
  run_one(text, outcome, [&] {
    ExpressionAttributes attributes = sample_attributes();
    auto update = UpdateExpression::parse(text, attributes);
    update.touched_attributes();
    update.apply(item);
  });
  run_one(text, outcome, [&] {
    ExpressionAttributes attributes = sample_attributes();
    auto update = UpdateExpression::parse(text, attributes);
    update.apply(Item{});
  });
  run_one(text, outcome, [&] {
    ExpressionAttributes attributes = sample_attributes();
    ProjectionExpression::parse(text, attributes).apply(item);
  });
  run_one(text, outcome, [&] {
    ExpressionAttributes attributes = sample_attributes();
    auto key = KeyConditionExpression::parse(text, attributes, schema);
    key.sort_key_matches(AttributeValue::number("5"));
    key.sort_key_matches("x");
  });
}

std::string token_soup(std::mt19937& rng) {
  std::uniform_int_distribution<size_t> length(0, 24);
  std::uniform_int_distribution<size_t> pick(0, kVocabulary.size() - 1);
  std::bernoulli_distribution space(0.7);
  std::string text;
  for (size_t n = length(rng); n > 0; --n) {
    text += kVocabulary[pick(rng)];
    if (space(rng)) text += ' ';
  }
  return text;
}

std::string mutation(std::mt19937& rng) {
  std::string text = kSeeds[std::uniform_int_distribution<size_t>(0, kSeeds.size() - 1)(rng)];
  std::uniform_int_distribution<size_t> pick(0, kVocabulary.size() - 1);
  for (int edits = std::uniform_int_distribution<int>(1, 3)(rng); edits > 0; --edits) {
    size_t at = std::uniform_int_distribution<size_t>(0, text.size())(rng);
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
      case 0:
        text.insert(at, kVocabulary[pick(rng)]);
        break;
      case 1:
        text.erase(at, std::uniform_int_distribution<size_t>(1, 6)(rng));
        break;
      case 2:
        text.insert(at, 1, static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng)));
        break;
      default:
        text.insert(at, text.substr(at, 12));
        break;  // duplicate a slice
    }
  }
  return text;
}

TEST_CASE("fuzzed expressions only ever parse or fail with a ValidationException") {
  std::mt19937 rng(20240607);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  Outcome outcome;
  int iterations = 0;
  for (; iterations < 20000 && std::chrono::steady_clock::now() < deadline; ++iterations) {
    exercise(iterations % 2 == 0 ? token_soup(rng) : mutation(rng), outcome);
  }
  // Pathological shapes: deep nesting, long chains, huge indexes.
  const std::vector<std::string> pathological = {
      std::string(5000, '('),
      std::string(4000, '('),
      "a" + std::string(2000, '['),
      "NOT " + std::string(1000, '(') + "a = :one",
      "a[99999999999999999999999] = :one",
      "SET a[99999999999999999999] = :one",
  };
  for (const std::string& text : pathological) {
    exercise(text, outcome);
  }
  MESSAGE("iterations: " << iterations << ", results: " << outcome.results
                         << ", validation errors: " << outcome.validation_errors);
  CHECK(iterations >= 1000);
  // The fuzzer must reach both outcomes, or it tests nothing.
  CHECK(outcome.results > 100);
  CHECK(outcome.validation_errors > 1000);
  for (const std::string& failure : outcome.failures)
    FAIL_CHECK(failure);
}

}  // namespace
}  // namespace gtsim::expr
