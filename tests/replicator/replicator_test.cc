// The protocol core driven by a fake clock and an in-memory network: no sockets, no sleeping.
#include "replicator/replicator.h"

#include <doctest/doctest.h>
#include <fmt/core.h>

#include <deque>
#include <filesystem>
#include <set>

#include "model/errors.h"
#include "replicator/retention.h"
#include "replicator/wire.h"
#include "tests/support/temp_dir.h"

using namespace gtsim;
using namespace gtsim::replication;

using gtsim::testing::TempDir;

namespace {

TableSpec users_table() {
  TableSpec spec;
  spec.name = "users";
  spec.key_schema.partition = {"id", AttributeType::kS};
  return spec;
}

// A temporary directory removed at the end of the test.
struct Applied {
  std::string region;
  int64_t at_us;
  ApplyOutcome outcome;
};

// Regions with replicators, connected by an in-memory network that delivers each Send at once
// (the link model already delayed it), through the wire codec.
class Cluster {
 public:
  Cluster(const std::vector<std::string>& names, const LinkParams& link,
          const ShipperOptions& shipping = {}, const std::string& secret = "s3cret") {
    for (const std::string& name : names) {
      Node& node = nodes_[name];
      node.region = Region::open((dir_.path() / (name + ".db")).string(), name, {}, now_);
      node.region->create_table(users_table());
      ReplicatorOptions options{"run-1", secret, 42, shipping, 1'000'000};
      node.replicator = std::make_unique<Replicator>(*node.region, options);
    }
    for (const std::string& a : names) {
      for (const std::string& b : names) {
        if (a != b) nodes_[a].replicator->add_peer(b, link);
      }
    }
  }

  Region& region(const std::string& name) { return *nodes_.at(name).region; }
  Replicator& replicator(const std::string& name) { return *nodes_.at(name).replicator; }
  int64_t now() const { return now_; }
  const std::vector<Applied>& applied() const { return applied_; }
  // Change batches delivered, with their sizes.
  const std::vector<size_t>& batch_sizes() const { return batch_sizes_; }

  void connect_all() {
    for (auto& [a, node] : nodes_) {
      for (const std::string& b : node.replicator->peers())
        dial(a, b);
    }
  }

  void dial(const std::string& from, const std::string& to) {
    connections_.insert({from, to});
    handle(from, nodes_[from].replicator->dialed(to, now_));
    pump();
  }

  // Both ends notice the connection from -> to is gone.
  void disconnect(const std::string& from, const std::string& to) {
    connections_.erase({from, to});
    accepted_.erase({from, to});
    nodes_[from].replicator->closed(to, Channel::kOutbound);
    nodes_[to].replicator->closed(from, Channel::kInbound);
  }

  void put(const std::string& in, const std::string& id, const std::string& value) {
    PutRequest request{"users", {{"id", AttributeValue(id)}, {"v", AttributeValue(value)}}, {}};
    region(in).put(request, now_);
    handle(in, replicator(in).tick(now_));
    pump();
  }

  void remove(const std::string& in, const std::string& id) {
    region(in).delete_item({"users", {{"id", AttributeValue(id)}}}, now_);
    handle(in, replicator(in).tick(now_));
    pump();
  }

  // Every region holds `spec` in place of the users table it was created with (still empty).
  void replace_table(const TableSpec& spec) {
    for (auto& [name, node] : nodes_) {
      node.region->delete_table("users");
      node.region->create_table(spec);
    }
  }

  // Advances time to `until`, waking replicators when they asked.
  void run_until(int64_t until) {
    for (;;) {
      std::optional<int64_t> next;
      std::string who;
      for (auto& [name, node] : nodes_) {
        if (node.wake && (!next || *node.wake < *next)) next = node.wake, who = name;
      }
      if (!next || *next > until) break;
      now_ = std::max(now_, *next);
      handle(who, nodes_[who].replicator->tick(now_));
      pump();
    }
    now_ = std::max(now_, until);
  }

  void apply(const std::string& name, const std::function<Effects(Replicator&)>& fault) {
    handle(name, fault(replicator(name)));
    pump();
  }

  std::string digest(const std::string& name) { return region(name).table_digest("users"); }

 private:
  struct Node {
    std::unique_ptr<Region> region;
    std::unique_ptr<Replicator> replicator;
    std::optional<int64_t> wake;
  };

  void handle(const std::string& from, Effects effects) {
    for (Send& send : effects.sends)
      pending_.push_back({from, std::move(send)});
    for (ApplyOutcome& outcome : effects.applied)
      applied_.push_back({from, now_, outcome});
    nodes_[from].wake = effects.wake_at_us;
  }

  void pump() {
    while (!pending_.empty()) {
      auto [from, send] = std::move(pending_.front());
      pending_.pop_front();
      // The connection is named by its dialer.
      std::pair<std::string, std::string> connection = send.channel == Channel::kOutbound
                                                           ? std::pair{from, send.peer}
                                                           : std::pair{send.peer, from};
      if (!connections_.contains(connection)) continue;
      PeerMessage message = decode_framed(send.frame);
      Replicator& to = replicator(send.peer);
      if (send.channel == Channel::kOutbound && !accepted_.contains(connection)) {
        Effects effects;
        CHECK(to.accept_hello(message, now_, effects) == from);
        accepted_.insert(connection);
        handle(send.peer, std::move(effects));
        continue;
      }
      if (auto* batch = std::get_if<ChangeBatch>(&message))
        batch_sizes_.push_back(batch->records.size());
      Channel at_receiver =
          send.channel == Channel::kOutbound ? Channel::kInbound : Channel::kOutbound;
      handle(send.peer, to.received(from, at_receiver, message, now_));
    }
  }

  TempDir dir_;
  int64_t now_ = 1'000'000;
  std::map<std::string, Node> nodes_;
  std::set<std::pair<std::string, std::string>> connections_;
  std::set<std::pair<std::string, std::string>> accepted_;
  std::deque<std::pair<std::string, Send>> pending_;
  std::vector<Applied> applied_;
  std::vector<size_t> batch_sizes_;
};

const LinkStatus& link_to(Replicator& replicator, const std::string& peer) {
  static std::vector<LinkStatus> links;
  links = replicator.status();
  for (const LinkStatus& link : links) {
    if (link.peer == peer) return link;
  }
  FAIL("no link to " << peer);
  return links.front();
}

}  // namespace

TEST_CASE("replicator ships writes after exactly the link latency") {
  Cluster c({"a", "b", "c"}, constant_link(10'000));
  c.connect_all();
  int64_t t0 = c.now();
  c.put("a", "1", "x");
  CHECK(link_to(c.replicator("a"), "b").pending == 1);
  c.run_until(t0 + 9'999);
  CHECK(c.applied().empty());
  c.run_until(t0 + 10'000);
  REQUIRE(c.applied().size() == 2);
  for (const Applied& applied : c.applied()) {
    CHECK(applied.at_us == t0 + 10'000);
    CHECK(applied.outcome.id == VersionId{"a", 1});
    CHECK(applied.outcome.classification == Classification::kSupersedes);
  }
  CHECK(link_to(c.replicator("a"), "b").pending == 1);  // the ack is on its way back
  c.run_until(t0 + 20'000);
  CHECK(link_to(c.replicator("a"), "b").pending == 0);
  CHECK(link_to(c.replicator("a"), "b").acked_seq == 1);
  CHECK(c.digest("a") == c.digest("b"));
  CHECK(c.digest("a") == c.digest("c"));
}

TEST_CASE("replicator converges concurrent writes to the lww winner") {
  Cluster c({"a", "b", "c"}, constant_link(30'000));
  c.connect_all();
  c.put("a", "k", "from-a");
  c.run_until(c.now() + 5'000);
  c.put("b", "k", "from-b");
  c.run_until(c.now() + 1'000'000);
  for (const char* r : {"a", "b", "c"}) {
    auto got = c.region(r).get(GetRequest{"users", {{"id", AttributeValue("k")}}});
    REQUIRE(got.item.has_value());
    CHECK(got.item->at("v") == AttributeValue("from-b"));
  }
  int concurrent = 0;
  for (const Applied& applied : c.applied()) {
    concurrent += applied.outcome.classification == Classification::kConcurrent;
  }
  CHECK(concurrent >= 2);  // a and b each saw the other's write as a conflict
}

TEST_CASE("replicator batches by count and linger") {
  ShipperOptions shipping;
  shipping.max_batch_records = 3;
  shipping.linger_us = 5'000;
  Cluster c({"a", "b"}, constant_link(1'000), shipping);
  c.connect_all();
  for (int i = 0; i < 7; ++i) {
    c.region("a").put(PutRequest{"users", {{"id", AttributeValue(std::to_string(i))}}, {}},
                      c.now());
  }
  int64_t t0 = c.now();
  c.apply("a", [&](Replicator& r) { return r.tick(t0); });
  c.run_until(t0 + 1'000);
  CHECK(c.batch_sizes() == std::vector<size_t>{3, 3});  // full batches leave at once
  c.run_until(t0 + 5'999);
  CHECK(c.batch_sizes().size() == 2);
  c.run_until(t0 + 6'000);  // the last record lingered 5 ms, then 1 ms on the link
  CHECK(c.batch_sizes() == std::vector<size_t>{3, 3, 1});
  CHECK(c.region("b").applied_cursor("a") == 7);
}

TEST_CASE("replicator bounds records in flight") {
  ShipperOptions shipping;
  shipping.max_batch_records = 2;
  shipping.max_in_flight_records = 4;
  Cluster c({"a", "b"}, constant_link(10'000), shipping);
  c.connect_all();
  for (int i = 0; i < 10; ++i)
    c.put("a", std::to_string(i), "v");
  // Linger 0 sends each write alone: four batches, then the window is full.
  CHECK(link_to(c.replicator("a"), "b").queued_messages == 4);
  c.run_until(c.now() + 200'000);
  CHECK(c.region("b").applied_cursor("a") == 10);
}

TEST_CASE("replicator pause holds shipping until resume") {
  Cluster c({"a", "b"}, constant_link(1'000));
  c.connect_all();
  c.apply("a", [&](Replicator& r) { return r.set_paused("b", true, c.now()); });
  c.put("a", "1", "x");
  c.run_until(c.now() + 100'000);
  CHECK(c.region("b").applied_cursor("a") == 0);
  CHECK(link_to(c.replicator("a"), "b").paused);
  CHECK(link_to(c.replicator("a"), "b").pending == 1);
  c.put("b", "2", "y");  // the other direction keeps flowing
  c.run_until(c.now() + 100'000);
  CHECK(c.region("a").applied_cursor("b") == 1);
  c.apply("a", [&](Replicator& r) { return r.set_paused("b", false, c.now()); });
  c.run_until(c.now() + 100'000);
  CHECK(c.region("b").applied_cursor("a") == 1);
  CHECK(link_to(c.replicator("a"), "b").pending == 0);
}

TEST_CASE("replicator partition holds messages and heal delivers them after a fresh delay") {
  Cluster c({"a", "b"}, constant_link(20'000));
  c.connect_all();
  c.apply("a", [&](Replicator& r) { return r.set_partitioned("b", true, c.now()); });
  for (int i = 0; i < 5; ++i)
    c.put("a", std::to_string(i), "v");
  c.put("b", "9", "w");  // one-way: b -> a still works, but a's acks are held
  c.run_until(c.now() + 10'000'000);
  CHECK(c.region("b").applied_cursor("a") == 0);
  CHECK(c.region("a").applied_cursor("b") == 1);
  CHECK(link_to(c.replicator("b"), "a").pending == 1);
  CHECK(link_to(c.replicator("a"), "b").partitioned);
  int64_t heal = c.now();
  c.apply("a", [&](Replicator& r) { return r.set_partitioned("b", false, heal); });
  c.run_until(heal + 19'999);
  CHECK(c.region("b").applied_cursor("a") == 0);
  c.run_until(heal + 20'000);
  CHECK(c.region("b").applied_cursor("a") == 5);
  c.run_until(heal + 100'000);
  CHECK(link_to(c.replicator("a"), "b").pending == 0);
  CHECK(link_to(c.replicator("b"), "a").pending == 0);
  CHECK(c.digest("a") == c.digest("b"));
}

TEST_CASE("replicator resends after reconnect are harmless") {
  Cluster c({"a", "b"}, constant_link(10'000));
  c.connect_all();
  for (int i = 0; i < 6; ++i)
    c.put("a", std::to_string(i), "v");
  c.run_until(c.now() + 15'000);  // applied at b, acks in flight
  CHECK(c.region("b").applied_cursor("a") == 6);
  CHECK(link_to(c.replicator("a"), "b").acked_seq == 0);
  c.disconnect("a", "b");
  for (int i = 6; i < 9; ++i)
    c.put("a", std::to_string(i), "v");
  CHECK_FALSE(link_to(c.replicator("a"), "b").connected);
  c.dial("a", "b");  // b's hello says 6: only 7..9 are sent again
  CHECK(link_to(c.replicator("a"), "b").acked_seq == 6);
  c.run_until(c.now() + 100'000);
  CHECK(c.region("b").applied_cursor("a") == 9);
  std::set<uint64_t> seqs;
  for (const Applied& applied : c.applied())
    CHECK(seqs.insert(applied.outcome.id.seq).second);
  CHECK(seqs.size() == 9);
  CHECK(c.digest("a") == c.digest("b"));
}

TEST_CASE("replicator duplicated deliveries change nothing") {
  LinkParams link = constant_link(5'000);
  link.duplicate = 0.5;
  Cluster c({"a", "b"}, link);
  c.connect_all();
  for (int i = 0; i < 20; ++i) {
    c.put("a", std::to_string(i % 4), fmt::format("a{}", i));
    c.put("b", std::to_string(i % 5), fmt::format("b{}", i));
    c.run_until(c.now() + 1'000);
  }
  c.run_until(c.now() + 1'000'000);
  CHECK(c.region("b").applied_cursor("a") == 20);
  CHECK(c.region("a").applied_cursor("b") == 20);
  CHECK(c.digest("a") == c.digest("b"));
}

TEST_CASE("replicator reports a peer behind the trim point out of sync") {
  TableSpec spec = users_table();
  Cluster c({"a", "b"}, constant_link(1'000));
  // Retention is the table's: a short one lets trim drop a's early records.
  c.region("a").delete_table("users");
  spec.stream_retention_us = 1'000'000;
  c.region("a").create_table(spec);
  c.put("a", "1", "x");
  c.put("a", "2", "y");
  c.run_until(c.now() + 5'000'000);
  c.region("a").trim(c.now());
  CHECK(c.region("a").first_retained_local_seq() == 3);
  c.put("a", "3", "z");
  c.connect_all();
  c.run_until(c.now() + 100'000);
  CHECK(link_to(c.replicator("a"), "b").out_of_sync);
  CHECK(c.region("b").applied_cursor("a") == 0);
  CHECK(link_to(c.replicator("b"), "a").out_of_sync == false);
}

TEST_CASE("replicator trims every tenth of the shortest retention, within 1 ms and 1 min") {
  CHECK(retention_interval_us(kDefaultRetentionUs) == 60'000'000);
  CHECK(retention_interval_us(2'000'000) == 200'000);
  CHECK(retention_interval_us(1) == 1'000);

  TempDir dir;
  auto region = Region::open((dir.path() / "a.db").string(), "a", {}, 0);
  Retention retention;
  CHECK(retention.run_due(*region, 0) == std::nullopt);  // no table, nothing can expire
  TableSpec spec = users_table();
  spec.tombstone_retention_us = 1'000'000;
  spec.stream_retention_us = 3'000'000;
  region->create_table(spec);
  const Key key{{"id", AttributeValue("1")}};
  region->put({"users", key}, 5);
  region->delete_item({"users", key}, 10);
  CHECK(retention.run_due(*region, 20) == 100'020);       // the first input trims at once
  CHECK(retention.run_due(*region, 100'019) == 100'020);  // not due yet
  // Due, and the tombstone is exactly one retention old: kept.
  CHECK(retention.run_due(*region, 1'000'010) == 1'100'010);
  REQUIRE(region->item_state("users", key));
  CHECK(retention.run_due(*region, 1'100'010) == 1'200'010);
  CHECK(!region->item_state("users", key));
}

TEST_CASE("replicator purges tombstones and trims the stream after their retention, not before") {
  constexpr int64_t kTombstoneUs = 1'000'000, kStreamUs = 2'000'000, kLinkUs = 1'000;
  Cluster c({"a", "b"}, constant_link(kLinkUs));
  TableSpec spec = users_table();
  spec.tombstone_retention_us = kTombstoneUs;
  spec.stream_retention_us = kStreamUs;
  c.replace_table(spec);
  const int64_t interval = retention_interval_us(kTombstoneUs);
  const Key key{{"id", AttributeValue("1")}};
  c.connect_all();
  c.put("a", "1", "x");
  c.run_until(c.now() + 10'000);
  const int64_t deleted_at = c.now();
  c.remove("a", "1");
  // One retention after a deleted the item (b deleted it a link's delay later), both keep it.
  c.run_until(deleted_at + kTombstoneUs);
  for (const char* name : {"a", "b"}) {
    INFO(name);
    std::optional<ItemState> state = c.region(name).item_state("users", key);
    REQUIRE(state);
    CHECK(state->is_tombstone());
  }
  c.run_until(deleted_at + kTombstoneUs + kLinkUs + interval);
  CHECK(!c.region("a").item_state("users", key));
  CHECK(!c.region("b").item_state("users", key));
  CHECK(c.region("a").stream_after(0, 10).size() == 2);  // the put and the delete

  const int64_t put_at = deleted_at - 10'000;
  c.run_until(put_at + kStreamUs);
  CHECK(c.region("a").stream_after(0, 10).size() == 2);
  c.run_until(deleted_at + kStreamUs + kLinkUs + interval);
  CHECK(c.region("a").stream_after(0, 10).empty());
  CHECK(c.region("b").stream_after(0, 10).empty());
  CHECK(c.region("a").first_retained_local_seq() == 3);
  // b had every record before they went: it is in sync, and a write still reaches it.
  CHECK_FALSE(link_to(c.replicator("a"), "b").out_of_sync);
  c.put("a", "2", "y");
  c.run_until(c.now() + 10'000);
  CHECK(c.region("b").applied_cursor("a") == 3);
}

TEST_CASE("replicator refuses hellos without the shared secret") {
  TempDir dir;
  auto a = Region::open((dir.path() / "a.db").string(), "a", {}, 0);
  Replicator replicator(*a, ReplicatorOptions{"run-1", "s3cret", 1, {}, 1'000'000});
  replicator.add_peer("b", constant_link(0));
  Effects effects;
  CHECK_THROWS_AS(replicator.accept_hello(make_hello("wrong", "b", "run-1", "n", 0), 0, effects),
                  ProtocolError);
  CHECK_THROWS_AS(replicator.accept_hello(make_hello("s3cret", "b", "run-2", "n", 0), 0, effects),
                  ProtocolError);
  CHECK_THROWS_AS(replicator.accept_hello(make_hello("s3cret", "z", "run-1", "n", 0), 0, effects),
                  ProtocolError);
  CHECK_THROWS_AS(replicator.accept_hello(Ack{1}, 0, effects), ProtocolError);
  CHECK(effects.sends.empty());
  CHECK(replicator.accept_hello(make_hello("s3cret", "b", "run-1", "n", 0), 0, effects) == "b");
  REQUIRE(effects.sends.size() == 1);
  CHECK(hello_is_valid(std::get<Hello>(decode_framed(effects.sends[0].frame)), "s3cret", "run-1"));

  // The dialer checks the answer too.
  replicator.dialed("b", 0);
  CHECK_THROWS_AS(
      replicator.received("b", Channel::kOutbound, make_hello("wrong", "b", "run-1", "n", 0), 0),
      ProtocolError);
}

TEST_CASE("change batches received together are applied in one transaction, acknowledged once") {
  Cluster c({"a", "b"}, constant_link(0));
  c.connect_all();
  Replicator& b = c.replicator("b");
  c.apply("a", [&](Replicator& r) { return r.set_paused("b", true, c.now()); });
  for (int i = 1; i <= 7; ++i)
    c.put("a", std::to_string(i), "x");
  auto records = [&](uint64_t seq) { return c.region("a").local_changes_after(seq - 1, 1); };
  auto acks = [](const Effects& effects) {
    std::vector<uint64_t> cursors;
    for (const Send& send : effects.sends) {
      PeerMessage message = decode_framed(send.frame);
      if (const Ack* ack = std::get_if<Ack>(&message)) cursors.push_back(ack->cursor);
    }
    return cursors;
  };
  std::vector<PeerMessage> together;
  together.push_back(ChangeBatch{"a", records(1)});
  together.push_back(ChangeBatch{"a", records(2)});
  Effects effects = b.received("a", Channel::kInbound, std::move(together), c.now());
  CHECK(effects.applied.size() == 2);
  CHECK(acks(effects) == std::vector<uint64_t>{2});
  CHECK(c.region("b").applied_cursor("a") == 2);

  // A message between batches ends a run: each run is acknowledged.
  together.clear();
  together.push_back(ChangeBatch{"a", records(3)});
  together.push_back(Heartbeat{c.now(), 7});
  together.push_back(ChangeBatch{"a", records(4)});
  CHECK(acks(b.received("a", Channel::kInbound, std::move(together), c.now())) ==
        std::vector<uint64_t>{3, 4});

  // A gap anywhere in a run refuses the whole run: #5 is not applied alone.
  together.clear();
  together.push_back(ChangeBatch{"a", records(5)});
  together.push_back(ChangeBatch{"a", records(7)});
  CHECK_THROWS_AS(b.received("a", Channel::kInbound, std::move(together), c.now()), ProtocolError);
  CHECK(c.region("b").applied_cursor("a") == 4);
  CHECK_FALSE(c.region("b").get({"users", {{"id", "5"}}}).item);
}

TEST_CASE("replicator refuses out-of-protocol messages") {
  Cluster c({"a", "b"}, constant_link(0));
  c.connect_all();
  Replicator& b = c.replicator("b");
  c.apply("a", [&](Replicator& r) { return r.set_paused("b", true, c.now()); });
  c.put("a", "1", "x");
  c.put("a", "2", "y");
  std::vector<ChangeRecord> records = c.region("a").local_changes_after(1, 1);
  // A gap (seq 2 without 1), a batch naming another origin, a hello mid-stream, an ack of writes
  // never sent.
  CHECK_THROWS_AS(b.received("a", Channel::kInbound, ChangeBatch{"a", records}, c.now()),
                  ProtocolError);
  CHECK_THROWS_AS(b.received("a", Channel::kInbound, ChangeBatch{"c", records}, c.now()),
                  ProtocolError);
  CHECK_THROWS_AS(
      b.received("a", Channel::kInbound, make_hello("s3cret", "a", "run-1", "n", 0), c.now()),
      ProtocolError);
  CHECK_THROWS_AS(b.received("a", Channel::kOutbound, Ack{1000}, c.now()), ProtocolError);
  CHECK_THROWS_AS(b.set_link("zz", constant_link(1)), DynamoError);
  CHECK(c.region("b").applied_cursor("a") == 0);
}
