// Scenario: the validated content of one scenario file, as plain structs.
//
// A Scenario is everything an orchestrator (real processes) or a deterministic simulator needs to
// run the file without reading YAML again: regions with their clocks, the link model of every
// directed link, tables, the timeline of steps, and the final expectations. The parser
// (scenarios/parser.h) produces it only when the whole file is valid, so code that runs a Scenario
// may rely on what the parser checked: every region, table and link named exists, durations are
// non-negative where they must be, items carry their table's key, expressions parse, and
// placeholders are all defined and used.
//
// Times are integer microseconds of scenario time (true time, not a region's skewed clock).
// Every step and expectation keeps its source position so that a runtime failure can name the
// line that asked for it.
//
// Thread-safety: value types; distinct objects may be used from distinct threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "model/attribute_value.h"
#include "model/errors.h"
#include "model/key_schema.h"
#include "regions/clock.h"
#include "regions/table_spec.h"
#include "replicator/link_model.h"
#include "scenarios/diagnostic.h"

namespace gtsim::scenarios {

// Microseconds of scenario time; a duration, or an instant measured from the scenario's start.
using Micros = std::int64_t;

constexpr Micros kMillisecond = 1000;
constexpr Micros kSecond = 1000 * kMillisecond;
constexpr Micros kMinute = 60 * kSecond;
constexpr Micros kHour = 60 * kMinute;

// ---------------------------------------------------------------------------------------------
// Regions and clocks

// A region and its clock (offset, drift and jumps, in true time; see regions/clock.h).
struct Region {
  std::string name;
  ClockSettings clock;
  // False for a region that holds no replica until an add_replica step adds it.
  bool initial_replica = true;
  SourcePos pos;
};

// ---------------------------------------------------------------------------------------------
// Network

// The model of one directed link, in the scenario file's terms; link_params() turns it into the
// replicator's LinkParams. A message's one-way delay is drawn as
//   constant:    latency
//   uniform:     latency + U(-jitter, +jitter)
//   normal:      latency + N(0, jitter)          (jitter is the standard deviation)
//   exponential: latency + Exp(mean jitter)      (a long tail above a floor)
//   lognormal:   latency * exp(N(0, sigma))      (latency is the median)
// clamped at zero; then each transmission is lost with probability `loss` and resent after
// `retransmit_delay` (TCP carries the loss, so it shows as delay), the bandwidth cap queues
// messages by size, and with probability `duplication` a message is delivered twice.
struct LinkModel {
  // Latency is one-way = RTT/2 from the built-in AWS round-trip table for the link's two regions;
  // `latency` is then unused. The parser guarantees both regions are in that table.
  bool aws_latency = false;
  Micros latency = 0;
  Micros jitter = 0;
  replication::LatencyKind distribution = replication::LatencyKind::kConstant;
  double sigma = 0;  // lognormal only
  double loss = 0;   // probability in [0, 1)
  Micros retransmit_delay = 200 * kMillisecond;
  std::int64_t bandwidth_bytes_per_second = 0;  // 0: unlimited
  double duplication = 0;                       // probability in [0, 1)
  bool operator==(const LinkModel&) const = default;
};

// The replicator's parameters for `model` on the link from -> to (both regions must be in the AWS
// table when model.aws_latency; the parser checks it, so a violation is a bug).
replication::LinkParams link_params(const LinkModel& model, const std::string& from,
                                    const std::string& to);

// Fields of a LinkModel to change; unset fields keep their value. Used for per-link overrides in
// the network section and for `link:` steps. A jitter given without a distribution turns a
// constant link uniform, so that {latency: 50ms, jitter: 5ms} means 45 to 55 ms.
struct LinkPatch {
  std::optional<bool> aws_latency;
  std::optional<Micros> latency;
  std::optional<Micros> jitter;
  std::optional<replication::LatencyKind> distribution;
  std::optional<double> sigma;
  std::optional<double> loss;
  std::optional<Micros> retransmit_delay;
  std::optional<std::int64_t> bandwidth_bytes_per_second;
  std::optional<double> duplication;

  void apply_to(LinkModel& model) const;
};

// A directed link, (from, to).
using LinkId = std::pair<std::string, std::string>;

struct LinkOverride {
  LinkId link;
  LinkPatch patch;
  SourcePos pos;
};

struct Network {
  LinkModel default_link;
  // In file order; a later override of the same link applies on top of an earlier one. A
  // symmetric override in the file appears here once per direction.
  std::vector<LinkOverride> overrides;

  // The model of from -> to at the start of the run.
  LinkModel link(const std::string& from, const std::string& to) const;
};

// ---------------------------------------------------------------------------------------------
// Tables

// A table as the regions create it; the conflict policy is a name of conflict/policy.h.
struct Table {
  TableSpec spec;
  SourcePos pos;
};

// ---------------------------------------------------------------------------------------------
// Comparisons, as in expect: blocks ("< 250ms", ">= 1", or a plain value meaning ==)

enum class Comparison { kEq, kNe, kLt, kLe, kGt, kGe };
// "==", "!=", "<", "<=", ">", ">=".
const char* comparison_symbol(Comparison comparison);

// A condition on a number: actual <comparison> value. Durations are in micros.
struct Bound {
  Comparison comparison = Comparison::kEq;
  std::int64_t value = 0;
  bool holds(std::int64_t actual) const;
  bool operator==(const Bound&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Client operations

enum class OpKind { kPut, kGet, kUpdate, kDelete, kQuery, kScan, kTransaction, kConditionCheck };
// The scenario key: "put", "get", ..., "condition_check".
const char* op_kind_name(OpKind kind);

// An expression in DynamoDB syntax and where its text starts in the file.
struct Expression {
  std::string text;
  SourcePos pos;
};

// One request, as DynamoDB's API would receive it. Which fields are set depends on `kind`:
//   put:             item, condition
//   get:             key, consistent, projection
//   update:          key, update (the whole UpdateExpression), condition
//   delete:          key, condition
//   condition_check: key, condition (transactions only)
//   query:           key_condition, filter, projection, consistent, limit
//   scan:            filter, projection, consistent, limit
//   transaction:     transact_items (put, update, delete, condition_check), at most 100
// `names` and `values` are the request's ExpressionAttributeNames and ExpressionAttributeValues;
// they also hold the placeholders the parser generated for `set:`, `add:`... clauses.
struct Operation {
  OpKind kind = OpKind::kGet;
  std::string table;
  Item item;
  Key key;
  bool consistent = false;
  std::optional<Expression> condition;
  std::optional<Expression> update;
  std::optional<Expression> key_condition;
  std::optional<Expression> filter;
  std::optional<Expression> projection;
  std::optional<std::int64_t> limit;
  std::map<std::string, std::string> names;
  std::map<std::string, AttributeValue> values;
  std::vector<Operation> transact_items;
  SourcePos pos;
};

// What a client step expects of its own result. With no ResultExpectation, the step only records
// its outcome.
struct ResultExpectation {
  // Expect the operation to fail with this error; nullopt: expect success.
  std::optional<ErrorType> error;
  // transaction + TransactionCanceledException: DynamoDB's reason per item ("None",
  // "ConditionalCheckFailed"...); empty: not checked.
  std::vector<std::string> cancellation_reasons;
  // get (or update, on the new item): no item at all.
  bool absent = false;
  // get / update: the item is exactly this.
  std::optional<Item> item;
  // get / update: the item has these attributes with these values (others may exist).
  std::optional<Item> has;
  // query / scan: exactly these items, in order.
  std::optional<std::vector<Item>> items;
  // query / scan: how many items.
  std::optional<Bound> count;
  SourcePos pos;
};

struct ClientStep {
  std::string region;
  Operation operation;
  std::optional<ResultExpectation> expect;
};

// ---------------------------------------------------------------------------------------------
// Faults

// Cuts directed links until a heal. Regions of different groups stop reaching each other in both
// directions; regions the file did not list form one more group. The one-way form cuts only
// from -> to.
struct PartitionFault {
  std::vector<std::vector<std::string>> groups;  // symmetric form (isolate: one group)
  std::vector<std::string> from, to;             // one-way form
  std::set<LinkId> cut;                          // the directed links cut, resolved
};
// Restores every link a partition or isolate cut (pauses stay).
struct HealFault {};
// SIGKILL the region's process (its SQLite file survives) / start it again on that file.
struct CrashFault {
  std::string region;
};
struct RestartFault {
  std::string region;
};
// Stops shipping on the directed links from -> to; records queue at the sender.
struct PauseFault {
  std::set<LinkId> links;
};
// Resumes the listed links, or every paused link when `links` is empty.
struct ResumeFault {
  std::set<LinkId> links;
};
// Changes a region's clock from now on: `offset` sets the offset, `drift_ppm` the drift, `jump`
// steps the clock by that much once.
struct ClockFault {
  std::string region;
  std::optional<Micros> offset;
  std::optional<double> drift_ppm;
  std::optional<Micros> jump;
};
// Adds a replica of every table in `region`, backfilled from `from` (a live replica).
struct AddReplicaFault {
  std::string region;
  std::string from;
};
struct RemoveReplicaFault {
  std::string region;
};
// Changes the model of directed links at runtime.
struct LinkFault {
  std::set<LinkId> links;
  LinkPatch patch;
};

using Fault = std::variant<PartitionFault, HealFault, CrashFault, RestartFault, PauseFault,
                           ResumeFault, ClockFault, AddReplicaFault, RemoveReplicaFault, LinkFault>;

// ---------------------------------------------------------------------------------------------
// Waits and workloads

// Waits until every workload has finished and every replica of every table is identical with all
// change records applied, or until `timeout` (then the run fails at this step).
struct WaitConverged {
  Micros timeout = 5 * kMinute;
};
struct WaitFor {
  Micros duration = 0;
};

enum class KeyDistribution { kUniform, kZipf, kHotKey };

// Relative weights of the operations a workload issues; they need not add up to anything.
struct OperationMix {
  double put = 0;
  double update = 0;
  double delete_ = 0;
  double get = 0;             // eventually consistent
  double consistent_get = 0;  // strongly consistent
  double conditional_put = 0;
  double transaction = 0;
  bool operator==(const OperationMix&) const = default;
};

// Generated client traffic that runs in the background from its step for `duration`; the next
// step does not wait for it.
struct Workload {
  std::vector<std::string> regions;
  std::string table;
  double rate = 0;  // operations per second in each region
  Micros duration = 0;
  std::int64_t key_count = 0;
  KeyDistribution distribution = KeyDistribution::kUniform;
  double zipf_s = 1.0;         // zipf only
  double hot_fraction = 0.5;   // hot-key only: share of operations on the one hot key
  std::int64_t item_size = 0;  // bytes per written item, approximately
  OperationMix mix;
};

// ---------------------------------------------------------------------------------------------
// Steps

// A step starts at `at` when set (absolute scenario time), else `after` past the moment the
// previous step completed (a client operation completes with its response, a wait when it is
// over, a fault or workload as soon as it is applied or started).
struct Step {
  std::optional<Micros> at;
  Micros after = 0;
  // A lower bound of the step's start, computed by the parser from known times; the exact start
  // depends on responses and convergence.
  Micros earliest = 0;
  std::variant<ClientStep, Fault, WaitConverged, WaitFor, Workload> action;
  SourcePos pos;
};

// ---------------------------------------------------------------------------------------------
// Final expectations

enum class Metric {
  kConverged,  // 1 when converged, else 0
  kConflicts,  // counts...
  kLostWrites,
  kStaleReads,
  kResurrections,
  kConvergenceTime,  // micros from the last write until all replicas were identical
  kLag,              // micros, with `statistic` and optionally `link`
};

enum class LagStatistic { kAvg, kMin, kP50, kP90, kP99, kMax };

// One check of the run's outcome: metric (statistic, link) <comparison> value.
struct MetricExpectation {
  Metric metric = Metric::kConverged;
  LagStatistic statistic = LagStatistic::kMax;  // kLag only
  std::optional<LinkId> link;                   // kLag only; nullopt: over all links
  Bound bound;                                  // on a count, micros, or 0/1 for converged
  std::string text;  // the key as written, e.g. "lag.us-east-1->eu-west-1.p99"
  SourcePos pos;
};

// The final state of one item. `region` empty: in every region holding a replica at the end.
struct ItemExpectation {
  std::string region;
  std::string table;
  Key key;
  bool absent = false;
  std::optional<Item> equals;
  std::optional<Item> has;
  SourcePos pos;
};

struct Expectations {
  std::vector<MetricExpectation> metrics;
  std::vector<ItemExpectation> items;
};

// ---------------------------------------------------------------------------------------------

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 0;
  std::vector<Region> regions;
  Network network;
  std::vector<Table> tables;
  std::vector<Step> steps;
  Expectations expect;
  std::string file;  // as given to the parser

  // nullptr when absent.
  const Region* find_region(const std::string& name) const;
  const Table* find_table(const std::string& name) const;
};

}  // namespace gtsim::scenarios
