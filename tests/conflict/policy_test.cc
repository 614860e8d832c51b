#include "conflict/policy.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "model/errors.h"

using namespace gtsim;

namespace {

// Set field by field: GCC 12 warns falsely of braced temporaries here.
LocalWrite write(WriteKind kind, const char* origin, uint64_t seq, int64_t ts, Item document = {},
                 std::set<std::string> touched = {}) {
  LocalWrite w;
  w.kind = kind;
  w.version = {{origin, seq}, ts};
  w.document = std::move(document);
  w.touched = std::move(touched);
  return w;
}

LocalWrite put(const char* origin, uint64_t seq, int64_t ts, Item document) {
  return write(WriteKind::kPut, origin, seq, ts, std::move(document));
}

Item item(std::initializer_list<std::pair<const std::string, AttributeValue>> attrs) {
  return Item(attrs);
}

}  // namespace

TEST_CASE("lww keeps the whole item of the later write") {
  const ConflictPolicy& lww = policy_by_name("lww");
  ItemState a = lww.apply_local(nullptr, put("us-east-1", 1, 100, item({{"id", "1"}, {"x", "a"}})));
  ItemState b = lww.apply_local(nullptr, put("eu-west-1", 1, 105, item({{"id", "1"}, {"y", "b"}})));
  ItemState ab = lww.merge(a, b);
  CHECK(ab == lww.merge(b, a));
  CHECK(ab.document == item({{"id", "1"}, {"y", "b"}}));  // x is lost with its write
  CHECK(ab.history == VersionVector({{"us-east-1", 1}, {"eu-west-1", 1}}));
  CHECK(lww.merge(ab, ab) == ab);
}

TEST_CASE("lww delete beats an older concurrent put through its tombstone") {
  const ConflictPolicy& lww = policy_by_name("lww");
  ItemState put_state = lww.apply_local(nullptr, put("us-east-1", 1, 100, item({{"id", "1"}})));
  ItemState deleted = lww.apply_local(nullptr, write(WriteKind::kDelete, "eu-west-1", 1, 110));
  CHECK(deleted.is_tombstone());
  CHECK(lww.merge(deleted, put_state).is_tombstone());
  CHECK(lww.merge(put_state, deleted).is_tombstone());
}

TEST_CASE("lww-attribute keeps concurrent updates of different attributes") {
  // Two regions update different attributes of the same item concurrently; the join of both.
  auto join_concurrent_updates = [](const ConflictPolicy& policy) {
    ItemState base = policy.apply_local(
        nullptr, put("us-east-1", 1, 100, item({{"id", "1"}, {"a", "0"}, {"b", "0"}})));
    ItemState us =
        policy.apply_local(&base, write(WriteKind::kUpdate, "us-east-1", 2, 110,
                                        item({{"id", "1"}, {"a", "us"}, {"b", "0"}}), {"id", "a"}));
    ItemState eu =
        policy.apply_local(&base, write(WriteKind::kUpdate, "eu-west-1", 1, 120,
                                        item({{"id", "1"}, {"a", "0"}, {"b", "eu"}}), {"id", "b"}));
    ItemState merged = policy.merge(us, eu);
    CHECK(merged == policy.merge(eu, us));
    return merged;
  };
  CHECK(join_concurrent_updates(policy_by_name("lww-attribute")).document ==
        item({{"id", "1"}, {"a", "us"}, {"b", "eu"}}));
  // Under lww the same two updates lose one of them.
  CHECK(join_concurrent_updates(policy_by_name("lww")).document ==
        item({{"id", "1"}, {"a", "0"}, {"b", "eu"}}));
}

TEST_CASE("lww-attribute removal and replacement hide older attributes") {
  const ConflictPolicy& policy = policy_by_name("lww-attribute");
  ItemState base =
      policy.apply_local(nullptr, put("us-east-1", 1, 100, item({{"id", "1"}, {"a", "x"}})));
  ItemState removed = policy.apply_local(
      &base, write(WriteKind::kUpdate, "us-east-1", 2, 110, item({{"id", "1"}}), {"id", "a"}));
  CHECK(removed.document == item({{"id", "1"}}));
  ItemState deleted = policy.apply_local(&removed, write(WriteKind::kDelete, "us-east-1", 3, 120));
  CHECK(deleted.is_tombstone());
  CHECK(deleted.cells.empty());  // hidden cells are dropped
  ItemState reput =
      policy.apply_local(&deleted, put("us-east-1", 4, 130, item({{"id", "1"}, {"c", "z"}})));
  CHECK(reput.document == item({{"id", "1"}, {"c", "z"}}));
}

TEST_CASE("unknown policy names are refused with the known ones") {
  CHECK_THROWS_WITH(policy_by_name("lvw"), doctest::Contains("known policies: lww, lww-attribute"));
}

TEST_CASE("item state metadata round-trips through JSON") {
  const ConflictPolicy& policy = policy_by_name("lww-attribute");
  ItemState s = policy.apply_local(
      nullptr, put("us-east-1", 3, 100, item({{"id", "1"}, {"n", Decimal::from_int(5)}})));
  s = policy.apply_local(
      &s, write(WriteKind::kUpdate, "eu-west-1", 2, 130, item({{"id", "1"}}), {"id", "n"}));
  ItemState back =
      state_from_json(nlohmann::json::parse(state_metadata_to_json(s).dump()), s.document);
  CHECK(back == s);
  CHECK_THROWS_AS(
      state_from_json(nlohmann::json::parse(R"({"version": {"origin": 1}})"), std::nullopt),
      DynamoError);
}
