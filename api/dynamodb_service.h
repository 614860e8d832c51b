// DynamoDbService: the DynamoDB JSON protocol of one region, without sockets. It takes what an
// HTTP POST carries (the X-Amz-Target header and the body) and answers DynamoDB's status and body.
//
// Targets: "DynamoDB_20120810.<Operation>" (item operations go to the region through `call`, the
// one operation layer of replicator/api_calls.h; table operations to table_calls.h),
// "DynamoDBStreams_20120810.<Operation>" (stream_calls.h), and "GtsimInternal.SetReplicas", how
// regions tell each other a table's replica set. Anything else is an UnknownOperationException;
// a body that is not a JSON object a SerializationException. gtsim's "Version" fields are not
// shown to DynamoDB clients.
//
// Thread-safety: not thread-safe; runs on the region's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/call_context.h"
#include "api/table_catalog.h"
#include "regions/region.h"

namespace gtsim::api {

// An item operation as replication::execute_api_call takes it, run by the region process so that
// its writes start replicating at once.
using ItemCall =
    std::function<nlohmann::json(const std::string& operation, const nlohmann::json& request)>;

struct Reply {
  int status = 200;
  std::string body;
  std::vector<PeerCall> peer_calls;  // for the region process to forward
};

class DynamoDbService {
 public:
  // `catalog` and `region` must outlive the service.
  DynamoDbService(Region& region, TableCatalog& catalog, ItemCall call);

  // Never throws for a client's mistake: every error becomes DynamoDB's error reply.
  Reply handle(std::string_view target, std::string_view body, int64_t now_us, int64_t epoch_us);

 private:
  nlohmann::json dispatch(CallContext& context, std::string_view target,
                          const nlohmann::json& request);

  Region& region_;
  TableCatalog& catalog_;
  ItemCall call_;
};

}  // namespace gtsim::api
