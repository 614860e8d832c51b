#include "replicator/wire.h"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "model/json_text.h"
#include "replicator/protocol.capnp.h"

namespace gtsim::replication {
namespace {

uint32_t read_le32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | uint8_t(p[i]);
  return v;
}

void write_record(const ChangeRecord& record, wire::ChangeRecord::Builder out) {
  const ChangeTexts* texts = record.texts.get();
  out.setTable(record.table);
  out.setKey(texts ? texts->key : item_json_text(record.key));
  switch (record.event) {
    case StreamEvent::kInsert:
      out.setEvent(wire::StreamEvent::INSERT);
      break;
    case StreamEvent::kModify:
      out.setEvent(wire::StreamEvent::MODIFY);
      break;
    case StreamEvent::kRemove:
      out.setEvent(wire::StreamEvent::REMOVE);
      break;
  }
  out.setState(texts ? texts->state : state_metadata_json_text(record.state));
  if (texts && texts->new_image) {
    out.setNewImage(*texts->new_image);
  } else if (record.state.document) {
    out.setNewImage(item_json_text(record.state.document->tree()));
  }
  if (record.overwrote) {
    auto overwrote = out.initOverwrote();
    overwrote.setOrigin(record.overwrote->origin);
    overwrote.setSeq(record.overwrote->seq);
  }
  out.setCommitTrueUs(record.commit_true_us);
  auto write = out.initWrite();
  write.setOrigin(record.version.id.origin);
  write.setSeq(record.version.id.seq);
  out.setWriteTimestampUs(record.version.timestamp_us);
}

// Items are read by item_from_json_text (or Document::from_json_text) and item state by
// read_plain_state_text or state_from_json, which validate them as every other reader of them does
// (model/json_text.h, conflict/item_state.h).
ChangeRecord read_record(wire::ChangeRecord::Reader in, const FrameLimits& limits) {
  try {
    ChangeRecord r;
    auto texts = std::make_shared<ChangeTexts>();
    r.table = capnp_text(in.getTable());
    texts->key = capnp_text(in.getKey());
    r.key = item_from_json_text(texts->key, limits.max_json_depth);
    switch (in.getEvent()) {
      case wire::StreamEvent::INSERT:
        r.event = StreamEvent::kInsert;
        break;
      case wire::StreamEvent::MODIFY:
        r.event = StreamEvent::kModify;
        break;
      case wire::StreamEvent::REMOVE:
        r.event = StreamEvent::kRemove;
        break;
      default:
        throw ProtocolError("unknown stream event");
    }
    r.version = Version{{capnp_text(in.getWrite().getOrigin()), in.getWrite().getSeq()},
                        in.getWriteTimestampUs()};
    std::optional<Document> document;
    if (in.hasNewImage()) {
      texts->new_image = capnp_text(in.getNewImage());
      // Most received items are checked without building them: a receiver whose policy joins
      // whole documents stores the text as it came and never reads the tree (document.h).
      document = Document::from_json_text(*texts->new_image, limits.max_json_depth);
    }
    // The plain form is two levels deep; any other takes the parser and its depth bound.
    texts->state = capnp_text(in.getState());
    if (limits.max_json_depth < 2 || !read_plain_state_text(texts->state, r.state)) {
      r.state = state_from_json(parse_json_text(texts->state, limits), std::nullopt);
    }
    r.state.document = std::move(document);
    if (in.hasOverwrote()) {
      r.overwrote =
          VersionId{capnp_text(in.getOverwrote().getOrigin()), in.getOverwrote().getSeq()};
    }
    r.commit_true_us = in.getCommitTrueUs();
    r.texts = std::move(texts);
    return r;
  } catch (const DynamoError& e) {
    throw ProtocolError(std::string("bad change record: ") + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw ProtocolError(std::string("bad change record: ") + e.what());
  }
}

PeerMessage read_peer_message(wire::PeerMessage::Reader in, const FrameLimits& limits) {
  switch (in.which()) {
    case wire::PeerMessage::HELLO:
      return read_hello(in.getHello());
    case wire::PeerMessage::BATCH: {
      ChangeBatch batch{capnp_text(in.getBatch().getOrigin()), {}};
      for (auto record : in.getBatch().getRecords()) {
        batch.records.push_back(read_record(record, limits));
      }
      return batch;
    }
    case wire::PeerMessage::ACK:
      return Ack{in.getAck().getCursor()};
    case wire::PeerMessage::HEARTBEAT:
      return Heartbeat{in.getHeartbeat().getSentTrueUs(), in.getHeartbeat().getLastSeq()};
  }
  throw ProtocolError("unknown peer message type");
}

}  // namespace

std::string capnp_text(capnp::Text::Reader text) {
  return std::string(text.cStr(), text.size());
}

std::string capnp_data(capnp::Data::Reader data) {
  return std::string(reinterpret_cast<const char*>(data.begin()), data.size());
}

capnp::Data::Reader as_capnp_data(const std::string& bytes) {
  return capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(bytes.data()), bytes.size());
}

void write_hello(const Hello& hello, wire::Hello::Builder out) {
  out.setRegion(hello.region);
  out.setRunId(hello.run_id);
  out.setNonce(as_capnp_data(hello.nonce));
  out.setProof(as_capnp_data(hello.proof));
  out.setResumeCursor(hello.resume_cursor);
}

Hello read_hello(wire::Hello::Reader in) {
  return Hello{capnp_text(in.getRegion()), capnp_text(in.getRunId()), capnp_data(in.getNonce()),
               capnp_data(in.getProof()), in.getResumeCursor()};
}

void FrameReader::append(std::string_view bytes) {
  // Drop consumed bytes before growing, so the buffer holds at most one frame plus one read.
  if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<Frame> FrameReader::next() {
  size_t available = buffer_.size() - pos_;
  const char* p = buffer_.data() + pos_;
  if (available < 4) return std::nullopt;
  uint64_t segments = uint64_t(read_le32(p)) + 1;
  if (segments > limits_.max_segments) {
    throw ProtocolError("frame announces " + std::to_string(segments) + " segments (limit " +
                        std::to_string(limits_.max_segments) + ")");
  }
  size_t header = (4 + 4 * segments + 7) / 8 * 8;
  if (available < header) return std::nullopt;
  uint64_t words = 0;
  for (uint64_t i = 0; i < segments; ++i)
    words += read_le32(p + 4 + 4 * i);
  uint64_t total = header + words * 8;
  if (words == 0 || total > limits_.max_frame_bytes) {
    throw ProtocolError("frame of " + std::to_string(total) + " bytes (limit " +
                        std::to_string(limits_.max_frame_bytes) + ", at least 8)");
  }
  if (available < total) return std::nullopt;
  Frame frame = kj::heapArray<capnp::word>(total / 8);
  std::memcpy(frame.begin(), p, total);
  pos_ += total;
  return frame;
}

std::string frame_bytes(capnp::MessageBuilder& message) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

capnp::ReaderOptions reader_options(const FrameLimits& limits) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = limits.traversal_limit_words;
  options.nestingLimit = limits.nesting_limit;
  return options;
}

nlohmann::json parse_json_text(std::string_view text, const FrameLimits& limits) {
  // The depth is bounded by a scan before parsing: cheaper than a parser callback on every value.
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limits.max_json_depth) throw ProtocolError("JSON nested too deeply");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw ProtocolError(std::string("malformed JSON: ") + e.what());
  }
}

namespace {

// Cap'n Proto zeroes each segment it allocates, and its default first segment (8 KB) took longer
// to zero than a one-record batch or an ack takes to build (the profile in docs/benchmarks.md).
// The first segment is sized for the message instead: about what a record of ~100-byte items
// takes, so larger ones grow into more segments, and at most 512 KB however many records a batch
// may hold (`gtsim region --max-batch`).
unsigned first_segment_words(const PeerMessage& message) {
  constexpr size_t kFixedWords = 16;
  constexpr size_t kWordsPerRecord = 64;
  constexpr size_t kMaxWords = 64 * 1024;
  const auto* batch = std::get_if<ChangeBatch>(&message);
  const size_t records = batch ? batch->records.size() : 0;
  return unsigned(std::min(kMaxWords, kFixedWords + kWordsPerRecord * records));
}

}  // namespace

std::string encode_peer_message(const PeerMessage& message) {
  capnp::MallocMessageBuilder builder(first_segment_words(message));
  auto root = builder.initRoot<wire::PeerMessage>();
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Hello>) {
          write_hello(m, root.initHello());
        } else if constexpr (std::is_same_v<T, ChangeBatch>) {
          auto b = root.initBatch();
          b.setOrigin(m.origin);
          auto records = b.initRecords(m.records.size());
          for (size_t i = 0; i < m.records.size(); ++i)
            write_record(m.records[i], records[i]);
        } else if constexpr (std::is_same_v<T, Ack>) {
          root.initAck().setCursor(m.cursor);
        } else {
          auto h = root.initHeartbeat();
          h.setSentTrueUs(m.sent_true_us);
          h.setLastSeq(m.last_seq);
        }
      },
      message);
  return frame_bytes(builder);
}

PeerMessage decode_peer_message(const Frame& frame, const FrameLimits& limits) {
  try {
    capnp::FlatArrayMessageReader reader(frame.asPtr(), reader_options(limits));
    return read_peer_message(reader.getRoot<wire::PeerMessage>(), limits);
  } catch (const kj::Exception& e) {
    throw ProtocolError("malformed message: " + std::string(e.getDescription().cStr()));
  }
}

PeerMessage decode_framed(std::string_view bytes, const FrameLimits& limits) {
  FrameReader reader(limits);
  reader.append(bytes);
  std::optional<Frame> frame = reader.next();
  if (!frame || reader.has_partial_frame()) {
    throw ProtocolError("expected exactly one frame in " + std::to_string(bytes.size()) + " bytes");
  }
  return decode_peer_message(*frame, limits);
}

}  // namespace gtsim::replication
