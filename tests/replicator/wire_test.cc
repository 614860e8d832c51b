#include "replicator/wire.h"

#include <doctest/doctest.h>

#include <random>

#include <nlohmann/json.hpp>

#include "model/decimal.h"
#include "model/json_text.h"
#include "replicator/protocol.capnp.h"

using namespace gtsim;
using namespace gtsim::replication;

namespace {

ChangeRecord sample_record(uint64_t seq, bool tombstone) {
  ChangeRecord r;
  r.table = "users";
  r.key = {{"id", AttributeValue("42")}};
  r.event = tombstone ? StreamEvent::kRemove : StreamEvent::kModify;
  r.version = Version{{"us-east-1", seq}, 1'700'000'000'000'000 + int64_t(seq)};
  r.state.version = r.version;
  r.state.history = VersionVector({{"us-east-1", seq}, {"eu-west-1", 3}});
  if (!tombstone) {
    r.state.document = Item{{"id", AttributeValue("42")},
                            {"visits", AttributeValue::number("3.25")},
                            {"tags", AttributeValue(AttributeValue::StringSet{"a", "b"})}};
  }
  r.overwrote = VersionId{"eu-west-1", 3};
  r.commit_true_us = 123456789;
  return r;
}

PeerMessage round_trip(const PeerMessage& message) {
  FrameReader reader;
  reader.append(encode_peer_message(message));
  auto frame = reader.next();
  REQUIRE(frame.has_value());
  CHECK_FALSE(reader.has_partial_frame());
  return decode_peer_message(*frame);
}

std::string header(uint32_t segments_minus_one, std::initializer_list<uint32_t> sizes) {
  std::string h;
  auto put = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i)
      h += char(v >> (8 * i));
  };
  put(segments_minus_one);
  for (uint32_t s : sizes)
    put(s);
  while (h.size() % 8)
    h += '\0';
  return h;
}

}  // namespace

TEST_CASE("wire round-trips every peer message") {
  Hello hello = make_hello("s3cret", "us-east-1", "run-1", std::string("\0\1nonce", 7), 17);
  CHECK(round_trip(hello) == PeerMessage(hello));
  ChangeBatch batch{"us-east-1", {sample_record(1, false), sample_record(2, true)}};
  batch.records[1].overwrote.reset();
  CHECK(round_trip(batch) == PeerMessage(batch));
  CHECK(round_trip(Ack{99}) == PeerMessage(Ack{99}));
  CHECK(round_trip(Heartbeat{-5, 12}) == PeerMessage(Heartbeat{-5, 12}));
}

TEST_CASE("wire records keep the texts they were decoded from and are encoded from theirs") {
  ChangeBatch batch{"us-east-1", {sample_record(1, false), sample_record(2, true)}};
  auto decoded = std::get<ChangeBatch>(round_trip(batch));
  REQUIRE(decoded.records.size() == 2);
  for (const ChangeRecord& r : decoded.records) {
    REQUIRE(r.texts);
    CHECK(r.texts->key == item_json_text(r.key));
    CHECK(r.texts->state == state_metadata_json_text(r.state));
    CHECK(r.texts->new_image == (r.state.document
                                     ? std::optional(item_json_text(r.state.document->tree()))
                                     : std::nullopt));
  }
  // A record's texts go out as they are, without encoding its key and state again.
  ChangeRecord spaced = sample_record(3, false);
  spaced.texts = std::make_shared<const ChangeTexts>(ChangeTexts{
      R"({"id": {"S": "42"}})", state_metadata_json_text(spaced.state), R"({"id": {"S": "42"}})"});
  auto sent = std::get<ChangeBatch>(round_trip(ChangeBatch{"us-east-1", {spaced}}));
  CHECK(sent.records.at(0).texts->key == R"({"id": {"S": "42"}})");
  CHECK(sent.records.at(0).texts->new_image == R"({"id": {"S": "42"}})");
  CHECK(sent.records.at(0).state.document == Item{{"id", AttributeValue("42")}});
}

TEST_CASE("wire records keep plain items as text, unbuilt, and build the others") {
  ChangeRecord plain = sample_record(1, false);
  plain.state.document =
      Item{{"id", AttributeValue("42")}, {"visits", AttributeValue::number("3")}};
  ChangeBatch batch{"us-east-1", {plain, sample_record(2, false)}};  // the second holds a set
  auto decoded = std::get<ChangeBatch>(round_trip(batch));
  REQUIRE(decoded.records.size() == 2);
  REQUIRE(decoded.records[0].state.document);
  CHECK_FALSE(decoded.records[0].state.document->has_tree());
  CHECK(decoded.records[1].state.document->has_tree());
  CHECK(PeerMessage(decoded) == PeerMessage(batch));
}

TEST_CASE("wire round-trips batches that outgrow the first segment sized for them") {
  // Messages start in a segment sized for records of small items; large items and many records
  // take further segments, which must arrive whole.
  ChangeBatch large{"us-east-1", {}};
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    ChangeRecord record = sample_record(seq, false);
    Item item = record.state.document->tree();
    item["blob"] = AttributeValue(std::string(20'000, 'x'));
    record.state.document = std::move(item);
    large.records.push_back(std::move(record));
  }
  const std::string bytes = encode_peer_message(large);
  CHECK(uint8_t(bytes[0]) > 0);  // segments - 1: the frame holds more than one
  CHECK(round_trip(large) == PeerMessage(large));
  ChangeBatch many{"us-east-1", {}};  // more records than the largest first segment is sized for
  for (uint64_t seq = 1; seq <= 1'100; ++seq)
    many.records.push_back(sample_record(seq, seq % 2 == 0));
  CHECK(round_trip(many) == PeerMessage(many));
}

TEST_CASE("wire hello proofs need the secret and the run") {
  Hello hello = make_hello("s3cret", "us-east-1", "run-1", "n", 0);
  CHECK(hello_is_valid(hello, "s3cret", "run-1"));
  CHECK_FALSE(hello_is_valid(hello, "other", "run-1"));
  CHECK_FALSE(hello_is_valid(hello, "s3cret", "run-2"));
  hello.region = "eu-west-1";  // a proof does not carry over to another region
  CHECK_FALSE(hello_is_valid(hello, "s3cret", "run-1"));
}

TEST_CASE("wire frames split anywhere are reassembled") {
  std::string bytes = encode_peer_message(Ack{1}) +
                      encode_peer_message(ChangeBatch{"a", {sample_record(1, false)}}) +
                      encode_peer_message(Heartbeat{1, 2});
  FrameReader reader;
  std::vector<PeerMessage> got;
  for (char c : bytes) {
    reader.append(std::string_view(&c, 1));
    while (auto frame = reader.next())
      got.push_back(decode_peer_message(*frame));
  }
  REQUIRE(got.size() == 3);
  CHECK(std::get<Ack>(got[0]).cursor == 1);
  CHECK(std::get<ChangeBatch>(got[1]).records.size() == 1);
  CHECK(std::get<Heartbeat>(got[2]).last_seq == 2);
  CHECK_FALSE(reader.has_partial_frame());
}

TEST_CASE("wire reports a half-written frame") {
  std::string bytes = encode_peer_message(Heartbeat{1, 2});
  FrameReader reader;
  reader.append(bytes.substr(0, bytes.size() - 3));
  CHECK_FALSE(reader.next().has_value());
  CHECK(reader.has_partial_frame());
}

TEST_CASE("wire decodes a frame alone and refuses anything else as one") {
  std::string one = encode_peer_message(Heartbeat{1, 2});
  CHECK(decode_framed(one) == PeerMessage(Heartbeat{1, 2}));
  CHECK_THROWS_WITH_AS(decode_framed(one + one), doctest::Contains("exactly one frame"),
                       ProtocolError);
  CHECK_THROWS_WITH_AS(decode_framed(one.substr(0, one.size() - 3)),
                       doctest::Contains("exactly one frame"), ProtocolError);
  CHECK_THROWS_AS(decode_framed(""), ProtocolError);
}

TEST_CASE("wire refuses oversized frames from their header") {
  FrameLimits limits;
  limits.max_frame_bytes = 1024;
  FrameReader reader(limits);
  reader.append(header(0, {1000}));  // 8000 bytes announced, none sent
  CHECK_THROWS_AS(reader.next(), ProtocolError);

  FrameReader many(limits);
  many.append(header(1000, {}));
  CHECK_THROWS_AS(many.next(), ProtocolError);

  FrameReader empty(limits);
  empty.append(header(0, {0}));
  CHECK_THROWS_AS(empty.next(), ProtocolError);
}

TEST_CASE("wire rejects garbage frames without crashing") {
  std::mt19937_64 rng(11);
  int rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    uint32_t words = 1 + uint32_t(rng() % 16);
    std::string bytes = header(0, {words});
    for (uint32_t w = 0; w < words * 8; ++w)
      bytes += char(rng());
    FrameReader reader;
    reader.append(bytes);
    auto frame = reader.next();
    REQUIRE(frame.has_value());
    try {
      decode_peer_message(*frame);
    } catch (const ProtocolError&) {
      ++rejected;
    }
  }
  CHECK(rejected > 1900);
}

TEST_CASE("wire rejects mutated valid frames without crashing") {
  std::string valid = encode_peer_message(ChangeBatch{"a", {sample_record(1, false)}});
  std::mt19937_64 rng(12);
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = valid;
    for (int flips = 0; flips < 4; ++flips)
      bytes[8 + rng() % (bytes.size() - 8)] = char(rng());
    FrameReader reader;
    reader.append(bytes);
    try {
      auto frame = reader.next();
      if (frame) decode_peer_message(*frame);
    } catch (const ProtocolError&) {
    }
  }
}

TEST_CASE("wire enforces the traversal limit") {
  ChangeBatch batch{"a", {}};
  for (uint64_t i = 1; i <= 50; ++i)
    batch.records.push_back(sample_record(i, false));
  FrameReader reader;
  reader.append(encode_peer_message(batch));
  auto frame = reader.next();
  REQUIRE(frame.has_value());
  FrameLimits tight;
  tight.traversal_limit_words = 64;
  CHECK_THROWS_AS(decode_peer_message(*frame, tight), ProtocolError);
}

TEST_CASE("wire rejects deeply nested and malformed JSON inside records") {
  FrameLimits limits;
  CHECK_THROWS_AS(parse_json_text(std::string(10000, '[') + std::string(10000, ']'), limits),
                  ProtocolError);
  CHECK_THROWS_AS(parse_json_text("{\"S\": ", limits), ProtocolError);
  CHECK(parse_json_text("{\"S\": \"x\"}", limits)["S"] == "x");
  FrameLimits shallow;
  shallow.max_json_depth = 3;
  CHECK(parse_json_text("[[{}]]", shallow).size() == 1);
  CHECK_THROWS_AS(parse_json_text("[[[{}]]]", shallow), ProtocolError);
  // Brackets inside strings, escaped quotes included, are text, not nesting.
  CHECK(parse_json_text(R"({"S": "[[[[\"{{{{"})", shallow)["S"] == "[[[[\"{{{{");

  capnp::MallocMessageBuilder builder;
  auto record = builder.initRoot<wire::PeerMessage>().initBatch().initRecords(1)[0];
  record.setTable("users");
  record.setKey("{\"id\": {\"Q\": \"1\"}}");  // unknown type descriptor
  record.setState("{}");
  FrameReader reader;
  reader.append(frame_bytes(builder));
  CHECK_THROWS_AS(decode_peer_message(*reader.next()), ProtocolError);
}
