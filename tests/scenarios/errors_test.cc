// Every section with a deliberate error: the diagnostic must sit at the right line and column
// and carry a useful hint. check_error also insists on exactly one diagnostic, so that one
// mistake never cascades into several.
#include <doctest/doctest.h>

#include "tests/scenarios/test_util.h"

namespace gtsim::scenarios {
namespace {

using testing::check_error;
using testing::diagnostics_of;
using testing::kHeader;

// A header plus one step line.
std::string with_step(const std::string& step) {
  return kHeader + "  - " + step + "\n";
}

TEST_CASE("header errors") {
  SUBCASE("unknown top-level key") {
    check_error(kHeader + "  - heal\ndescripton: x\n", "descripton", "unknown key 'descripton'",
                "did you mean 'description'?");
  }
  SUBCASE("seed that is not a number") {
    check_error(
        "name: t\nseed: forty-two\nregions: [us-east-1, eu-west-1]\n"
        "tables: [{name: users, partition_key: id}]\nsteps: [heal]\n",
        "forty-two", "seed must be a whole number");
  }
  SUBCASE("missing name") {
    const auto diagnostics = diagnostics_of(
        "regions: [us-east-1, eu-west-1]\ntables: [{name: users, partition_key: id}]\n"
        "steps: [heal]\n");
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].to_string() == "t.yaml:1:1: error: the scenario needs the key 'name'");
  }
  SUBCASE("YAML syntax error") {
    const auto diagnostics =
        diagnostics_of("name: t\nregions: [us-east-1, eu-west-1\ntables: []\n");
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].message.starts_with("YAML syntax: "));
    CHECK(diagnostics[0].pos.line == 3);
  }
  SUBCASE("empty file") {
    const auto diagnostics = diagnostics_of("");
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].message.starts_with("the scenario is empty"));
  }
  SUBCASE("a stray comma that YAML reads as nothing") {
    const auto diagnostics = diagnostics_of(",name: t\n");
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].message == "the scenario is empty or not readable as YAML");
  }
  SUBCASE("a scenario that is a list") {
    check_error("- name: t\n", "- name", "the scenario must be a map");
  }
  SUBCASE("two documents") {
    check_error(kHeader + "  - heal\n---\nname: other\n", "---", "one YAML document");
  }
}

TEST_CASE("region errors") {
  const std::string rest = "tables: [{name: users, partition_key: id}]\nsteps: [heal]\n";
  SUBCASE("region listed twice") {
    const auto diagnostics = diagnostics_of("name: t\nregions: [us-east-1, us-east-1]\n" + rest);
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].to_string() == "t.yaml:2:22: error: region 'us-east-1' is listed twice");
  }
  SUBCASE("region name with a space") {
    check_error("name: t\nregions: [us-east-1, \"eu west\"]\n" + rest, "\"eu west\"",
                "'eu west' is not a valid region name");
  }
  SUBCASE("bad clock offset") {
    check_error("name: t\nregions: [us-east-1, {name: eu-west-1, clock: {offset: 5 sec}}]\n" + rest,
                "5 sec", "'5 sec' is not a duration", "use a number with us, ms, s, m or h");
  }
  SUBCASE("bad drift") {
    check_error("name: t\nregions: [us-east-1, {name: eu-west-1, clock: {drift: fast}}]\n" + rest,
                "fast", "'fast' is not a clock drift", "parts per million");
  }
  SUBCASE("clock jumps out of order") {
    check_error(
        "name: t\nregions: [us-east-1, {name: eu-west-1, clock: {jumps: "
        "[{at: 2s, by: 1s}, {at: 1s, by: 1s}]}}]\n" +
            rest,
        "{at: 1s", "time order");
  }
  SUBCASE("misspelt AWS region under the AWS latency table") {
    check_error("name: t\nregions: [us-east-1, us-est-2]\n" + rest, "us-est-2",
                "'us-est-2' is not an AWS region", "did you mean 'us-east-2'?");
  }
  SUBCASE("made-up region under the AWS latency table") {
    check_error("name: t\nregions: [us-east-1, mars-north-7]\n" + rest, "mars-north-7",
                "not an AWS region", "give the network a latency");
  }
  SUBCASE("made-up regions are fine with an explicit latency") {
    CHECK(diagnostics_of("name: t\nregions: [mars, venus]\nnetwork: {default: {latency: 5m}}\n" +
                         rest)
              .empty());
  }
  SUBCASE("no initial replica") {
    check_error("name: t\nregions: [{name: us-east-1, initial_replica: false}]\n" + rest,
                "[{name: us-east-1", "no region holds a replica");
  }
}

TEST_CASE("network errors") {
  const auto scenario = [](const std::string& network) {
    return "name: t\nregions: [us-east-1, eu-west-1]\nnetwork: " + network +
           "\ntables: [{name: users, partition_key: id}]\nsteps: [heal]\n";
  };
  SUBCASE("unknown key") {
    check_error(scenario("{defualt: aws}"), "defualt", "unknown key 'defualt' in network",
                "did you mean 'default'?");
  }
  SUBCASE("bad latency") {
    check_error(scenario("{default: {latency: 5 sec}}"), "5 sec", "'5 sec' is not a duration",
                "e.g. 250ms");
  }
  SUBCASE("default that is neither aws nor a map") {
    check_error(scenario("{default: fast}"), "fast", "must be aws or a map");
  }
  SUBCASE("unknown distribution") {
    check_error(scenario("{default: {latency: 5ms, jitter: 1ms, distribution: gauss}}"), "gauss",
                "unknown distribution 'gauss'", "expected one of constant, uniform");
  }
  SUBCASE("distribution without its parameter") {
    check_error(scenario("{default: {latency: 5ms, distribution: normal}}"), "{latency",
                "distribution normal needs a jitter");
    check_error(scenario("{default: {latency: 5ms, distribution: lognormal}}"), "{latency",
                "distribution lognormal needs a sigma");
  }
  SUBCASE("sigma on another distribution") {
    check_error(scenario("{default: {latency: 5ms, jitter: 1ms, sigma: 0.5}}"), "{latency",
                "sigma applies to distribution lognormal");
  }
  SUBCASE("unknown region in a link") {
    check_error(scenario("{links: [{from: us-east-1, to: eu-wst-1, latency: 3ms}]}"), "eu-wst-1",
                "unknown region 'eu-wst-1'", "did you mean 'eu-west-1'?");
  }
  SUBCASE("link from a region to itself") {
    check_error(scenario("{links: [{from: us-east-1, to: us-east-1, latency: 3ms}]}"), "{from",
                "cannot be linked to itself");
  }
  SUBCASE("both between and from") {
    check_error(scenario("{links: [{between: [us-east-1, eu-west-1], from: us-east-1}]}"),
                "between", "either between or from/to");
  }
  SUBCASE("loss of 100% or more") {
    check_error(scenario("{links: [{between: [us-east-1, eu-west-1], loss: 150%}]}"), "150%",
                "'150%' is not a valid loss", "percentage");
    check_error(scenario("{links: [{between: [us-east-1, eu-west-1], loss: 1}]}"), "1}",
                "loss must be below 100%");
  }
  SUBCASE("bad bandwidth") {
    check_error(scenario("{links: [{between: [us-east-1, eu-west-1], bandwidth: fast}]}"), "fast",
                "not a valid bandwidth", "100Mbps");
  }
}

TEST_CASE("table errors") {
  const auto scenario = [](const std::string& tables) {
    return "name: t\nregions: [us-east-1, eu-west-1]\ntables: " + tables + "\nsteps: [heal]\n";
  };
  SUBCASE("unknown conflict policy") {
    check_error(scenario("[{name: users, partition_key: id, conflict_policy: lwww}]"), "lwww",
                "unknown conflict_policy 'lwww'", "did you mean 'lww'?");
  }
  SUBCASE("unknown timestamp policy") {
    check_error(scenario("[{name: users, partition_key: id, timestamp_policy: wall}]"), "wall}",
                "unknown timestamp_policy 'wall'", "did you mean 'wallclock'?");
  }
  SUBCASE("missing partition key") {
    check_error(scenario("[{name: users}]"), "{name", "a table needs the key 'partition_key'");
  }
  SUBCASE("unknown key type") {
    check_error(scenario("[{name: users, partition_key: {name: id, type: X}}]"), "X}",
                "unknown key type 'X'", "expected one of S, N, B");
  }
  SUBCASE("invalid table name") {
    check_error(scenario("[{name: ab, partition_key: id}]"), "ab,",
                "'ab' is not a valid DynamoDB table name");
  }
  SUBCASE("sort key equal to the partition key") {
    check_error(scenario("[{name: users, partition_key: id, sort_key: id}]"), "id}",
                "must differ from the partition key");
  }
  SUBCASE("bad retention") {
    check_error(scenario("[{name: users, partition_key: id, stream_retention: 1 day}]"), "1 day",
                "'1 day' is not a duration");
  }
  SUBCASE("table declared twice") {
    check_error(scenario("[{name: users, partition_key: id}, {name: Users2, partition_key: id}, "
                         "{name: users, partition_key: k}]"),
                "users, partition_key: k", "declared twice");
  }
}

TEST_CASE("client step errors") {
  SUBCASE("misspelt step kind") {
    check_error(with_step("{at: 1s, partiton: [[us-east-1]]}"), "partiton",
                "unknown key 'partiton' in a step", "did you mean 'partition'?");
  }
  SUBCASE("unknown key near a key of another step kind") {
    check_error(with_step("{in: us-east-1, put: {id: \"1\"}, partiton: [[us-east-1]]}"), "partiton",
                "unknown key 'partiton' in a put step", "did you mean 'partition'?");
  }
  SUBCASE("unknown key near a key of this step kind") {
    check_error(with_step("{in: us-east-1, get: {id: \"1\"}, consistnet: true}"), "consistnet",
                "unknown key 'consistnet'", "did you mean 'consistent'?");
  }
  SUBCASE("key of another operation") {
    check_error(with_step("{in: us-east-1, get: {id: \"1\"}, condition: \"attribute_exists(id)\"}"),
                "condition", "key 'condition' does not apply to a get step");
  }
  SUBCASE("missing region") {
    check_error(with_step("{put: {id: \"1\"}}"), "{put", "a put step needs the key 'in'");
  }
  SUBCASE("unknown region") {
    check_error(with_step("{in: eu-west-2, put: {id: \"1\"}}"), "eu-west-2",
                "unknown region 'eu-west-2'", "did you mean 'eu-west-1'?");
  }
  SUBCASE("unknown table") {
    check_error(with_step("{in: us-east-1, table: user, put: {id: \"1\"}}"), "user,",
                "unknown table 'user'", "did you mean 'users'?");
  }
  SUBCASE("item without its key") {
    check_error(with_step("{in: us-east-1, put: {name: alice}}"), "{name: alice",
                "Missing the key id", "keyed by id");
  }
  SUBCASE("bad item value") {
    check_error(with_step("{in: us-east-1, put: {id: \"1\", tags: !SS []}}"), "!SS",
                "!SS needs a non-empty sequence");
  }
  SUBCASE("key with more than the key attributes") {
    check_error(with_step("{in: us-east-1, get: {id: \"1\", name: x}}"), "{id", "",
                "exactly the key attributes");
  }
  SUBCASE("update without clauses") {
    check_error(with_step("{in: us-east-1, update: {id: \"1\"}}"), "{in",
                "an update needs set:, remove:, add:, delete: or update_expression:");
  }
  SUBCASE("update with both forms") {
    check_error(with_step("{in: us-east-1, update: {id: \"1\"}, update_expression: \"SET a = :a\", "
                          "set: {a: 1}}"),
                "set:", "use either update_expression or set:");
  }
  SUBCASE("remove given a map") {
    check_error(with_step("{in: us-east-1, update: {id: \"1\"}, remove: {a: 1}}"), "{a: 1}",
                "remove: takes an expression or a list of attribute names");
  }
  SUBCASE("placeholder without its sigil") {
    check_error(with_step("{in: us-east-1, get: {id: \"1\"}, names: {n: name}}"), "n: name",
                "'n' is not a placeholder for names", "start with #");
  }
  SUBCASE("scan: false") {
    check_error(with_step("{in: us-east-1, scan: false}"), "false", "scans nothing");
  }
  SUBCASE("limit of zero") {
    check_error(with_step("{in: us-east-1, scan: true, limit: 0}"), "0}",
                "limit must be between 1");
  }
  SUBCASE("unknown error name in expect") {
    check_error(
        with_step("{in: us-east-1, put: {id: \"1\"}, expect: {error: ConditionalCheckFailed}}"),
        "ConditionalCheckFailed}", "unknown error 'ConditionalCheckFailed'",
        "did you mean 'ConditionalCheckFailedException'?");
  }
  SUBCASE("expect key that does not apply to the operation") {
    check_error(with_step("{in: us-east-1, put: {id: \"1\"}, expect: {absent: true}}"), "absent",
                "key 'absent' does not apply to the expect of a put");
  }
  SUBCASE("expect both an error and a result") {
    check_error(with_step("{in: us-east-1, get: {id: \"1\"}, expect: {error: ValidationException, "
                          "absent: true}}"),
                "ValidationException", "either an error or a result");
  }
  SUBCASE("reasons without a cancelled transaction") {
    check_error(with_step("{in: us-east-1, transaction: [{put: {id: \"1\"}}], expect: "
                          "{reasons: [None]}}"),
                "reasons", "reasons go with error: TransactionCanceledException");
  }
  SUBCASE("query count that is not a count") {
    check_error(with_step("{in: us-east-1, scan: true, expect: {count: many}}"), "many",
                "'many' is not a count");
  }
  SUBCASE("transaction item that does nothing") {
    check_error(with_step("{in: us-east-1, transaction: [{table: users}]}"), "{table",
                "this transaction item does nothing", "put, update, delete, condition_check");
  }
  SUBCASE("transaction item with a get") {
    check_error(with_step("{in: us-east-1, transaction: [{get: {id: \"1\"}}]}"), "get",
                "key 'get' does not apply to a transaction item");
  }
  SUBCASE("transaction item with two operations") {
    check_error(with_step("{in: us-east-1, transaction: [{put: {id: \"1\"}, condition_check: "
                          "{id: \"2\"}}]}"),
                "condition_check", "has both 'put' and 'condition_check'");
  }
  SUBCASE("empty transaction") {
    check_error(with_step("{in: us-east-1, transaction: []}"), "[]", "a list of 1 to 100");
  }
}

TEST_CASE("expression errors point at the expression") {
  SUBCASE("condition syntax") {
    check_error(with_step("{in: us-east-1, delete: {id: \"1\"}, condition: \"x = = y\"}"),
                "\"x = = y\"", "invalid condition");
  }
  SUBCASE("undefined value placeholder in an update") {
    check_error(
        with_step("{in: us-east-1, update: {id: \"1\"}, set: \"a = :x\", values: {\":x\": 1}, "
                  "add: \"b :y\"}"),
        "\"b :y\"", "invalid update");
  }
  SUBCASE("update of a key attribute") {
    check_error(with_step("{in: us-east-1, update: {id: \"1\"}, set: {id: \"2\"}}"), "{id: \"2\"}",
                "'id' is part of the key");
  }
  SUBCASE("unused value placeholder") {
    check_error(with_step("{in: us-east-1, delete: {id: \"1\"}, condition: \"a = :a\", values: "
                          "{\":a\": 1, \":b\": 2}}"),
                "values", ":b");
  }
  SUBCASE("key condition on a non-key attribute") {
    check_error(with_step("{in: us-east-1, query: \"name = :n\", values: {\":n\": x}}"),
                "\"name = :n\"", "invalid key condition");
  }
  SUBCASE("filter syntax") {
    check_error(with_step("{in: us-east-1, scan: true, filter: \"size(\"}"), "\"size(\"",
                "invalid filter");
  }
  SUBCASE("projection syntax") {
    check_error(with_step("{in: us-east-1, get: {id: \"1\"}, projection: \"a,,b\"}"), "\"a,,b\"",
                "invalid projection");
  }
}

TEST_CASE("step structure and timing errors") {
  SUBCASE("two actions in one step") {
    check_error(with_step("{in: us-east-1, put: {id: \"1\"}, get: {id: \"1\"}}"), "get",
                "has both 'put' and 'get'", "split it into two");
  }
  SUBCASE("a step that does nothing") {
    check_error(with_step("{at: 5ms, in: us-east-1}"), "{at", "this step does nothing",
                "it needs one of put, get");
  }
  SUBCASE("at and after") {
    check_error(with_step("{at: 5ms, after: 5ms, heal: }"), "after", "either at: or after:");
  }
  SUBCASE("time going backwards") {
    check_error(kHeader + "  - {at: 10ms, heal: }\n  - {at: 5ms, heal: }\n", "5ms",
                "step time goes backwards: at 5ms is before the previous step ends (10ms");
  }
  SUBCASE("at before a wait has ended") {
    check_error(kHeader + "  - {at: 1s, heal: }\n  - wait: 2s\n  - {at: 2500ms, heal: }\n",
                "2500ms", "(3s at the earliest)");
  }
  SUBCASE("negative at") {
    check_error(with_step("{at: -5ms, heal: }"), "-5ms", "at cannot be negative");
  }
  SUBCASE("unknown bare step") {
    check_error(with_step("heel"), "heel", "'heel' is not a step", "did you mean 'heal'?");
  }
  SUBCASE("a step that is a list") {
    check_error(with_step("[heal]"), "[heal]", "a step must be a map");
  }
  SUBCASE("duplicate key in a step") {
    check_error(with_step("{in: us-east-1, get: {id: \"1\"}, consistent: true, consistent: false}"),
                "consistent: false", "duplicate key 'consistent'");
  }
  SUBCASE("steps that are not a list") {
    check_error(
        "name: t\nregions: [us-east-1, eu-west-1]\ntables: [{name: users, partition_key: "
        "id}]\nsteps: {heal: }\n",
        "{heal", "steps must be a list");
  }
}

TEST_CASE("fault step errors") {
  SUBCASE("overlapping partition groups") {
    check_error(with_step("{partition: [[us-east-1], [eu-west-1, us-east-1]]}"), "us-east-1]]",
                "region 'us-east-1' is in two partition groups", "already in a group at line 5");
  }
  SUBCASE("partition that cuts nothing") {
    check_error(with_step("{partition: [[us-east-1, eu-west-1]]}"), "[[",
                "this partition cuts nothing");
  }
  SUBCASE("one-way partition with a region on both sides") {
    check_error(with_step("{partition: {from: [us-east-1], to: [us-east-1, eu-west-1]}}"), "{from",
                "'us-east-1' is on both sides");
  }
  SUBCASE("partition of unknown region") {
    check_error(with_step("{partition: [[us-east-1], [eu-wset-1]]}"), "eu-wset-1",
                "unknown region 'eu-wset-1'", "did you mean 'eu-west-1'?");
  }
  SUBCASE("isolate of unknown region") {
    check_error(with_step("{isolate: ap-south-1}"), "ap-south-1", "unknown region 'ap-south-1'");
  }
  SUBCASE("heal with an argument") {
    check_error(with_step("{heal: us-east-1}"), "us-east-1}", "heal takes no argument");
  }
  SUBCASE("crash twice") {
    check_error(kHeader + "  - {crash: eu-west-1}\n  - {at: 1s, crash: eu-west-1}\n", "{at: 1s",
                "region 'eu-west-1' is already crashed");
  }
  SUBCASE("restart without a crash") {
    check_error(with_step("{restart: eu-west-1}"), "{restart", "is not crashed");
  }
  SUBCASE("operation in a crashed region") {
    check_error(kHeader + "  - {crash: eu-west-1}\n  - {in: eu-west-1, get: {id: \"1\"}}\n", "{in",
                "region 'eu-west-1' is crashed at this step", "crashed at line 5");
  }
  SUBCASE("pause without its link") {
    check_error(with_step("{pause: {}}"), "{}}", "name the link with from: and to:");
  }
  SUBCASE("clock change without a change") {
    check_error(with_step("{clock: {region: eu-west-1}}"), "{region",
                "clock needs offset:, drift: or jump:");
  }
  SUBCASE("bad clock jump") {
    check_error(with_step("{clock: {region: eu-west-1, jump: back}}"), "back",
                "'back' is not a duration");
  }
  SUBCASE("add a replica that exists") {
    check_error(with_step("{add_replica: {region: eu-west-1, from: us-east-1}}"), "{add_replica",
                "already holds a replica");
  }
  SUBCASE("operation in a region without a replica") {
    check_error(
        "name: t\nregions: [us-east-1, {name: eu-west-1, initial_replica: false}]\n"
        "tables: [{name: users, partition_key: id}]\nsteps:\n"
        "  - {in: eu-west-1, get: {id: \"1\"}}\n",
        "{in", "holds no replica at this step", "add it with add_replica first");
  }
  SUBCASE("operation in a removed region") {
    check_error(
        kHeader + "  - {remove_replica: eu-west-1}\n  - {in: eu-west-1, get: {id: \"1\"}}\n", "{in",
        "holds no replica", "removed at line 5");
  }
  SUBCASE("add a removed region again") {
    check_error(kHeader +
                    "  - {remove_replica: eu-west-1}\n"
                    "  - {add_replica: {region: eu-west-1, from: us-east-1}}\n",
                "{add_replica", "region 'eu-west-1' cannot hold a replica again",
                "it was removed at line 5");
  }
  SUBCASE("resume with an unknown key") {
    check_error(with_step("{resume: {form: us-east-1, to: eu-west-1}}"), "form",
                "unknown key 'form' in resume", "did you mean 'from'?");
  }
  SUBCASE("remove the last replica") {
    check_error(kHeader + "  - {remove_replica: eu-west-1}\n  - {remove_replica: us-east-1}\n",
                "{remove_replica: us-east-1}", "this would remove the last replica");
  }
  SUBCASE("add a replica from a region without one") {
    check_error(
        "name: t\nregions: [us-east-1, {name: eu-west-1, initial_replica: false}, "
        "{name: eu-west-2, initial_replica: false}]\n"
        "tables: [{name: users, partition_key: id}]\nsteps:\n"
        "  - {add_replica: {region: eu-west-1, from: eu-west-2}}\n",
        "{add_replica", "region 'eu-west-2' holds no replica at this step");
  }
  SUBCASE("add_replica without its source") {
    check_error(with_step("{add_replica: {region: eu-west-1}}"), "{region",
                "add_replica needs the key 'from'");
  }
  SUBCASE("link step that changes nothing") {
    check_error(with_step("{link: {from: us-east-1, to: eu-west-1}}"), "{from",
                "link changes nothing");
  }
  SUBCASE("link step with a bad jitter") {
    check_error(with_step("{link: {from: us-east-1, to: eu-west-1, jitter: lots}}"), "lots",
                "'lots' is not a duration");
  }
  SUBCASE("wait with a bad duration") {
    check_error(with_step("{wait: 5 sec}"), "5 sec", "wait takes 'converged' or a duration",
                "wait: 2s");
  }
  SUBCASE("timeout on a timed wait") {
    check_error(with_step("{wait: 2s, timeout: 5s}"), "timeout",
                "timeout applies to wait: converged only");
  }
}

TEST_CASE("workload errors") {
  SUBCASE("missing rate") {
    check_error(with_step("{workload: {duration: 10s}}"), "{duration",
                "a workload needs the key 'rate'");
  }
  SUBCASE("misspelt key distribution") {
    check_error(with_step("{workload: {rate: 10, duration: 10s, distribution: zipff}}"), "zipff",
                "unknown key distribution 'zipff'", "did you mean 'zipf'?");
  }
  SUBCASE("zipf exponent out of range") {
    check_error(with_step("{workload: {rate: 10, duration: 10s, distribution: zipf(0)}}"),
                "zipf(0)", "not a valid key distribution");
  }
  SUBCASE("hot-key fraction over 1") {
    check_error(with_step("{workload: {rate: 10, duration: 10s, distribution: hot-key(2)}}"),
                "hot-key(2)", "not a valid key distribution");
  }
  SUBCASE("unknown operation in the mix") {
    check_error(with_step("{workload: {rate: 10, duration: 10s, mix: {put: 1, gett: 1}}}"), "gett",
                "unknown key 'gett' in the operation mix", "did you mean 'get'?");
  }
  SUBCASE("mix without weight") {
    check_error(with_step("{workload: {rate: 10, duration: 10s, mix: {put: 0}}}"), "{put",
                "no weight above 0");
  }
  SUBCASE("item too large") {
    check_error(with_step("{workload: {rate: 10, duration: 10s, item_size: 1MB}}"), "1MB", "400KB");
  }
  SUBCASE("zero duration") {
    check_error(with_step("{workload: {rate: 10, duration: 0s}}"), "0s", "duration above 0");
  }
  SUBCASE("workload in an unknown region") {
    check_error(with_step("{workload: {rate: 10, duration: 1s, regions: [us-east-1, eu-north-1]}}"),
                "eu-north-1", "unknown region 'eu-north-1'");
  }
}

TEST_CASE("final expect errors") {
  const auto scenario = [](const std::string& expect) {
    return kHeader + "  - heal\nexpect: " + expect + "\n";
  };
  SUBCASE("unknown key") {
    check_error(scenario("{lost_wirtes: 1}"), "lost_wirtes", "unknown key 'lost_wirtes' in expect",
                "did you mean 'lost_writes'?");
  }
  SUBCASE("unknown lag statistic") {
    check_error(scenario("{lag.p98: 1ms}"), "lag.p98", "unknown lag statistic 'p98'",
                "did you mean 'p90'?");
  }
  SUBCASE("lag of an unknown link") {
    check_error(scenario("{\"lag.us-east-1->eu-west-9.p99\": 1s}"), "\"lag.",
                "unknown region 'eu-west-9'", "did you mean 'eu-west-1'?");
  }
  SUBCASE("lag link without an arrow") {
    check_error(scenario("{lag.us-east-1.p99: 1s}"), "lag.", "'us-east-1' is not a link",
                "lag.FROM->TO.STAT");
  }
  SUBCASE("lag bound that is not a duration") {
    check_error(scenario("{lag.p99: \"< 250\"}"), "\"< 250\"",
                "'< 250' is not a duration to compare lag.p99 with", "\"< 250ms\"");
  }
  SUBCASE("count that is not a count") {
    check_error(scenario("{conflicts: \">= one\"}"), "\">= one\"", "is not a count");
  }
  SUBCASE("negative count") {
    check_error(scenario("{conflicts: -1}"), "-1}", "is not a count");
  }
  SUBCASE("converged that is not a boolean") {
    check_error(scenario("{converged: maybe}"), "maybe", "converged must be true or false");
    check_error(scenario("{converged: \"< true\"}"), "\"< true\"", "only be compared with ==");
  }
  SUBCASE("duplicate key") {
    check_error(scenario("{conflicts: 1, conflicts: 2}"), "conflicts: 2", "duplicate key");
  }
  SUBCASE("item expectation without a check") {
    check_error(scenario("{items: [{in: us-east-1, key: {id: \"1\"}}]}"), "{in",
                "exactly one of equals, has and absent");
  }
  SUBCASE("item expectation with a bad key") {
    check_error(scenario("{items: [{key: {name: x}, absent: true}]}"), "{name: x}", "",
                "exactly the key attributes");
  }
  SUBCASE("item expectation in an unknown region") {
    check_error(scenario("{items: [{in: us-west-3, key: {id: \"1\"}, absent: true}]}"), "us-west-3",
                "unknown region 'us-west-3'");
  }
  SUBCASE("expect that is a list") {
    check_error(scenario("[converged]"), "[converged]", "expect must be a map");
  }
}

TEST_CASE("one typo in a region does not hide errors in the steps that use it") {
  const auto diagnostics = diagnostics_of(
      "name: t\nregions: [us-east-1, {name: eu-west-1, clok: {}}]\n"
      "tables: [{name: users, partition_key: id, conflict_policy: lwww}]\nsteps:\n"
      "  - {in: eu-west-2, get: {id: \"1\"}}\n");
  REQUIRE(diagnostics.size() == 3);
  CHECK(diagnostics[0].message.find("'clok'") != std::string::npos);
  CHECK(diagnostics[1].message.find("'lwww'") != std::string::npos);
  CHECK(diagnostics[2].message.find("'eu-west-2'") != std::string::npos);
}

}  // namespace
}  // namespace gtsim::scenarios
