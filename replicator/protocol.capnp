# gtsim's wire protocol: region-to-region replication and the orchestrator's control channel.
#
# Every message travels in Cap'n Proto's stream framing over TCP. Both channels open with a Hello
# that proves knowledge of the run's shared secret; nothing else is accepted before it.
# Items, keys and item-state metadata travel as JSON text (DynamoDB JSON for items), so that what
# a peer sends is validated by the same code that reads a region's SQLite file.

@0xd6a4f1c3b2e59a07;

$import "/capnp/c++.capnp".namespace("gtsim::wire");

# Opens a connection. The dialer sends its Hello first; the acceptor answers with its own.
struct Hello {
  region @0 :Text;
  runId @1 :Text;
  # A fresh random value per connection, and HMAC-SHA256(secret, "gtsim-hello" | region | runId |
  # nonce). Both sides check the other's proof.
  nonce @2 :Data;
  proof @3 :Data;
  # In the acceptor's answer on a replication connection: the highest origin sequence number of
  # the dialer's writes that the acceptor has durably applied. The dialer resumes after it.
  resumeCursor @4 :UInt64;
}

struct VersionId {
  origin @0 :Text;
  seq @1 :UInt64;
}

# One locally-originated write (regions/change_record.h).
struct ChangeRecord {
  table @0 :Text;
  key @1 :Text;            # DynamoDB JSON of the key attributes
  event @2 :StreamEvent;
  state @3 :Text;          # JSON of the item state's metadata: version, history, cells, replaced
  newImage @4 :Text;       # DynamoDB JSON; absent for a tombstone
  overwrote @5 :VersionId; # absent when the write overwrote nothing
  commitTrueUs @6 :Int64;
  write @7 :VersionId;     # the write itself; the state's version is the item's winner, which
  writeTimestampUs @8 :Int64;  # differs when the write lost at once at its origin
}

enum StreamEvent {
  insert @0;
  modify @1;
  remove @2;
}

# Consecutive writes of `origin`, in origin-sequence order.
struct ChangeBatch {
  origin @0 :Text;
  records @1 :List(ChangeRecord);
}

# The receiver has durably applied every write of the batch's origin up to `cursor`.
struct Ack {
  cursor @0 :UInt64;
}

# Sent by a shipper when it has nothing else to send: the origin's latest sequence number.
struct Heartbeat {
  sentTrueUs @0 :Int64;
  lastSeq @1 :UInt64;
}

struct PeerMessage {
  union {
    hello @0 :Hello;
    batch @1 :ChangeBatch;
    ack @2 :Ack;
    heartbeat @3 :Heartbeat;
  }
}

# --- Control channel: an orchestrator drives one region process. ---

enum LatencyKind {
  constant @0;
  uniform @1;
  normal @2;
  exponential @3;
  lognormal @4;
}

# replicator/link_model.h's LinkParams.
struct LinkParams {
  kind @0 :LatencyKind;
  meanUs @1 :Int64;
  minUs @2 :Int64;
  maxUs @3 :Int64;
  stddevUs @4 :Int64;
  sigma @5 :Float64;
  jitterUs @6 :Int64;
  loss @7 :Float64;
  retransmitTimeoutUs @8 :Int64;
  bandwidthBytesPerS @9 :Int64;
  duplicate @10 :Float64;
}

struct Fault {
  union {
    # Replaces the parameters of this region's link to `peer`.
    link :group {
      peer @0 :Text;
      params @1 :LinkParams;
    }
    # Cuts (or heals) this region's outgoing link to `peer`: messages are held, not lost.
    partition :group {
      peer @2 :Text;
      cut @3 :Bool;
    }
    # Stops (or restarts) shipping this region's writes to `peer`.
    pause :group {
      peer @4 :Text;
      paused @5 :Bool;
    }
    clockOffsetUs @6 :Int64;
    clockDriftPpm @7 :Float64;
    clockJumpUs @8 :Int64;
  }
}

struct ControlRequest {
  id @0 :UInt64;
  union {
    hello @1 :Hello;
    # A DynamoDB API call against this region's copy: `operation` is the action name (PutItem,
    # GetItem, UpdateItem, DeleteItem, Query, Scan, TransactWriteItems, CreateTable) and `body`
    # its request JSON.
    call :group {
      operation @2 :Text;
      body @3 :Text;
    }
    fault @4 :Fault;
    status @5 :Void;
    # Replica membership (add-replica, remove-replica); each is answered with `done`, except
    # `snapshot`, answered with `result`: a full copy of this region (regions/snapshot_json.h).
    snapshot @6 :Void;
    # Seeds this empty region with a snapshot's JSON, before any peer ships to it.
    loadSnapshot @7 :Text;
    # Adds a peer: this region dials it at `address` and ships to it over a link of `params`.
    addPeer :group {
      peer @8 :Text;
      address @9 :Text;
      params @10 :LinkParams;
    }
    # Forgets a peer: both connections with it close and nothing more is shipped or accepted.
    removePeer @11 :Text;
    # Deletes this region's replica of every table.
    dropReplicas @12 :Void;
    # As `status`, its digests left empty: for pollers of links and cursors, since each digest
    # scans its whole table.
    statusWithoutDigests @13 :Void;
  }
}

struct LinkStatus {
  peer @0 :Text;
  connected @1 :Bool;
  ackedSeq @2 :UInt64;
  pending @3 :UInt64;       # PendingReplicationCount: local writes the peer has not acknowledged
  outOfSync @4 :Bool;
  partitioned @5 :Bool;
  paused @6 :Bool;
  queuedMessages @7 :UInt64;
  peerLastSeq @8 :UInt64;   # the peer's latest write, as its last heartbeat said
}

struct Cursor {
  origin @0 :Text;
  seq @1 :UInt64;
}

struct TableDigest {
  table @0 :Text;
  digest @1 :Text;
}

struct Status {
  region @0 :Text;
  nowTrueUs @1 :Int64;
  lastLocalSeq @2 :UInt64;
  links @3 :List(LinkStatus);
  cursors @4 :List(Cursor);
  digests @5 :List(TableDigest);
}

struct ControlResponse {
  id @0 :UInt64;
  union {
    hello @1 :Hello;
    # The call's response JSON, as DynamoDB would return it.
    result @2 :Text;
    # A DynamoDB error: its type name (ValidationException, ...) and message, and for a canceled
    # transaction one reason code per item.
    error :group {
      type @3 :Text;
      message @4 :Text;
      cancellationReasons @5 :List(Text);
    }
    done @6 :Void;
    status @7 :Status;
  }
}
