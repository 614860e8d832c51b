// Conflict policies: how a write changes an item's state at its origin, and how a replica joins a
// state from another region into its own.
//
// - "lww" (DynamoDB global tables): the whole item of the write with the highest LwwStamp wins;
//   every attribute of the loser is gone, including ones the winner never mentioned.
// - "lww-attribute" (Cassandra-style, for comparison): each attribute carries its own stamp and
//   the highest one wins per attribute, so concurrent updates of different attributes both
//   survive; a put or delete hides every attribute stamped below it.
//
// Both joins are commutative, associative and idempotent (tested as properties), which is what
// makes replicas converge.
//
// Thread-safety: policies are stateless and immutable; share them freely.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "conflict/item_state.h"

namespace gtsim {

enum class WriteKind { kPut, kUpdate, kDelete };

// One write as the origin region computed it.
struct LocalWrite {
  WriteKind kind = WriteKind::kPut;
  Version version;
  // kPut, kUpdate: the whole item after the write. kDelete: unused.
  Item document;
  // kUpdate: top-level attributes set or removed, key attributes included (an update that finds
  // no item creates it with its key).
  std::set<std::string> touched;
};

class ConflictPolicy {
 public:
  virtual ~ConflictPolicy() = default;

  // The name scenarios use: "lww" or "lww-attribute".
  virtual std::string_view name() const = 0;

  // The state after `write` at its origin: the write joined into `current` (null when the region
  // holds nothing for the key). The origin resolves its own write by LWW like every other
  // replica, so a write stamped below the current version (possible under the wallclock timestamp
  // policy) loses at once, even at home; otherwise replicas could not converge.
  ItemState apply_local(const ItemState* current, const LocalWrite& write) const {
    ItemState written = write_state(current, write);
    return current ? merge(*current, written) : written;
  }

  // The join of two states of the same item.
  virtual ItemState merge(const ItemState& local, const ItemState& incoming) const = 0;

  // Whether merge() reads no document and keeps, whole, the document of the side whose version it
  // keeps (lww). A replica may then join states whose documents it holds only as text: it merges
  // them with their documents left out, and a version names its document.
  virtual bool keeps_whole_documents() const { return false; }

 protected:
  // The state `write` produces on top of `current`, before the join with `current`.
  virtual ItemState write_state(const ItemState* current, const LocalWrite& write) const = 0;
};

// The policy of that name. Throws DynamoError(kValidation) naming the known ones otherwise.
const ConflictPolicy& policy_by_name(std::string_view name);
std::vector<std::string> policy_names();
// Makes `policy` known by its name from now on, for policies defined outside this module: tests
// register deliberately broken ones to show that the invariant checkers catch them. `policy` must
// outlive every use; not thread-safe. Throws DynamoError(kValidation) for a name already known.
void register_policy(const ConflictPolicy& policy);

// How an incoming version relates to what a replica holds, by version vectors.
enum class Classification {
  kSupersedes,  // descends from the local state: an ordinary update
  kStale,       // the local state already descends from it
  kDuplicate,   // the same history again (a resend)
  kConcurrent,  // neither descends from the other: a conflict, which LWW decides
};

Classification classify(const VersionVector& local, const VersionVector& incoming);
const char* classification_name(Classification classification);

}  // namespace gtsim
