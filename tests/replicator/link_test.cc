#include "replicator/link.h"

#include <doctest/doctest.h>

#include "replicator/wire.h"

using namespace gtsim::replication;

namespace {

uint64_t cursor_of(const Send& send) {
  return std::get<Ack>(decode_framed(send.frame)).cursor;
}

}  // namespace

TEST_CASE("link hands messages out when they arrive") {
  Link link("b", constant_link(10000), 1);
  link.send(0, Channel::kInbound, Ack{1});
  link.send(5000, Channel::kInbound, Ack{2});
  CHECK(link.next_due() == 10000);
  CHECK(link.take_due(9999).empty());
  auto due = link.take_due(10000);
  REQUIRE(due.size() == 1);
  CHECK(cursor_of(due[0]) == 1);
  CHECK(due[0].peer == "b");
  CHECK(!due[0].frame.empty());
  CHECK(link.next_due() == 15000);
  CHECK(link.take_due(20000).size() == 1);
  CHECK_FALSE(link.next_due().has_value());
}

TEST_CASE("a cut link holds messages and delivers them in order after heal") {
  LinkParams p;
  p.kind = LatencyKind::kUniform;
  p.min_us = 1000;
  p.max_us = 50000;
  Link link("b", p, 9);
  link.set_cut(true, 0);
  for (uint64_t i = 1; i <= 20; ++i)
    link.send(int64_t(i) * 10, Channel::kInbound, Ack{i});
  CHECK(link.take_due(1'000'000).empty());
  CHECK_FALSE(link.next_due().has_value());
  CHECK(link.queued() == 20);
  link.set_cut(false, 2'000'000);
  CHECK(link.take_due(2'000'000 + 999).empty());
  link.send(2'000'000, Channel::kInbound, Ack{21});
  auto due = link.take_due(3'000'000);
  REQUIRE(due.size() == 21);
  for (uint64_t i = 0; i < 21; ++i)
    CHECK(cursor_of(due[i]) == i + 1);
}

TEST_CASE("closing a connection drops only its queued messages") {
  Link link("b", constant_link(10), 1);
  link.send(0, Channel::kOutbound, Heartbeat{0, 1});
  link.send(0, Channel::kInbound, Ack{4});
  link.drop(Channel::kOutbound);
  auto due = link.take_due(100);
  REQUIRE(due.size() == 1);
  CHECK(due[0].channel == Channel::kInbound);
}

TEST_CASE("a duplicating link delivers a message twice") {
  LinkParams p = constant_link(10);
  p.duplicate = 0.5;
  Link link("b", p, 4);
  for (uint64_t i = 1; i <= 100; ++i)
    link.send(0, Channel::kInbound, Ack{i});
  auto due = link.take_due(100);
  CHECK(due.size() > 120);
  CHECK(due.size() < 180);
  for (size_t i = 1; i < due.size(); ++i)
    CHECK(cursor_of(due[i]) >= cursor_of(due[i - 1]));
}
