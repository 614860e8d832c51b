// CallContext: what one call of the DynamoDB endpoint works on, and the replica changes it asks
// the region process to forward to other regions afterwards.
//
// Thread-safety: one call at a time, on the region's thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/table_catalog.h"
#include "regions/region.h"

namespace gtsim::api {

// A call the region process must make on another region's endpoint (operation on the internal
// target, see table_calls.h), retried until it succeeds.
struct PeerCall {
  std::string region;
  std::string operation;
  nlohmann::json request;
};

struct CallContext {
  Region& region;
  TableCatalog& catalog;
  int64_t now_us = 0;    // true time, as the region takes it
  int64_t epoch_us = 0;  // wall-clock time, for the dates DynamoDB shows
  std::vector<PeerCall> peer_calls;
};

}  // namespace gtsim::api
