// The control channel's values (protocol.capnp's ControlRequest and ControlResponse) and their
// conversions, shared by the region process that serves them and the clients that send them.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "replicator/link_model.h"
#include "replicator/protocol.capnp.h"
#include "replicator/replicator.h"

namespace gtsim::replication {

// What a region process reports about itself.
struct RegionStatus {
  std::string region;
  int64_t now_true_us = 0;
  uint64_t last_local_seq = 0;
  std::vector<LinkStatus> links;
  std::map<std::string, uint64_t> cursors;     // origin -> highest applied sequence
  std::map<std::string, std::string> digests;  // table -> digest
};

// Whether `statuses` show replication at rest: no record pending on any link and, with
// `compare_digests`, every region holding the same tables (equal digests; statuses taken without
// digests compare equal). Which regions must be among the statuses is the caller's to check.
bool replication_at_rest(const std::vector<RegionStatus>& statuses, bool compare_digests);

void write_link_params(const LinkParams& params, wire::LinkParams::Builder out);
// Throws DynamoError(kValidation) for invalid parameters.
LinkParams read_link_params(wire::LinkParams::Reader in);

void write_status(const RegionStatus& status, wire::Status::Builder out);
RegionStatus read_status(wire::Status::Reader in);

}  // namespace gtsim::replication
