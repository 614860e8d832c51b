// Wire format: Cap'n Proto messages in Cap'n Proto's stream framing, read with limits.
//
// A frame is a segment table (segment count - 1, then each segment's size in words, all 32-bit
// little-endian, padded to 8 bytes) followed by the segments. FrameReader cuts frames out of a
// byte stream and refuses, before buffering it, a frame whose header announces more segments or
// bytes than allowed; decoding then applies Cap'n Proto's traversal and nesting limits, and
// bounds the nesting of the JSON texts inside. Anything malformed is a ProtocolError: the
// connection it came from is closed, the process carries on.
//
// Thread-safety: FrameReader is not thread-safe (one per connection); functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>

#include "replicator/messages.h"
#include "replicator/protocol.capnp.h"

namespace gtsim::replication {

// A peer or client broke the protocol (garbage, oversized frame, bad proof, ...): close its
// connection with this reason.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FrameLimits {
  size_t max_frame_bytes = 64 << 20;
  uint32_t max_segments = 64;
  // Cap'n Proto's guards against amplification (words traversed) and deep pointers.
  uint64_t traversal_limit_words = (64 << 20) / 8 * 2;
  int nesting_limit = 64;
  // Depth of the JSON texts (items, item state) inside a message: objects and arrays nested in
  // one another, the outermost counting 1.
  int max_json_depth = 100;
};

using Frame = kj::Array<capnp::word>;

class FrameReader {
 public:
  explicit FrameReader(const FrameLimits& limits = {}) : limits_(limits) {}

  // Limits for the frames not yet cut, e.g. larger ones once a connection has authenticated.
  void set_limits(const FrameLimits& limits) { limits_ = limits; }
  // Appends bytes read from the connection.
  void append(std::string_view bytes);
  // The next complete frame, or nullopt until more bytes arrive. Throws ProtocolError when the
  // frame's header is malformed or announces a frame over the limits.
  std::optional<Frame> next();
  // Whether bytes of an unfinished frame are buffered (at end of stream: a half-written frame).
  bool has_partial_frame() const { return pos_ < buffer_.size(); }

 private:
  FrameLimits limits_;
  std::string buffer_;
  size_t pos_ = 0;  // start of the unread bytes in buffer_
};

// The framed bytes of a built message.
std::string frame_bytes(capnp::MessageBuilder& message);
// Reader options that carry `limits`.
capnp::ReaderOptions reader_options(const FrameLimits& limits);
// Parses JSON text, bounding its depth. Throws ProtocolError on malformed or too deep text.
nlohmann::json parse_json_text(std::string_view text, const FrameLimits& limits);

// Cap'n Proto text and data as std::string, and back.
std::string capnp_text(capnp::Text::Reader text);
std::string capnp_data(capnp::Data::Reader data);
capnp::Data::Reader as_capnp_data(const std::string& bytes);

void write_hello(const Hello& hello, wire::Hello::Builder out);
Hello read_hello(wire::Hello::Reader in);

std::string encode_peer_message(const PeerMessage& message);
// Throws ProtocolError on anything that is not a well-formed PeerMessage.
PeerMessage decode_peer_message(const Frame& frame, const FrameLimits& limits = {});
// The message of `bytes` holding exactly one frame, as a Send's frame does. Throws ProtocolError
// on anything else.
PeerMessage decode_framed(std::string_view bytes, const FrameLimits& limits = {});

}  // namespace gtsim::replication
