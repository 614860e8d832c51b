// RegionEndpoint: a region process's DynamoDB endpoint, put together: the table catalog beside
// the region's file (db path + ".tables.json"), the service answering DynamoDB's calls through
// the RegionServer, and the HTTP listener, all on the server's io_context.
//
// Errors: as TableCatalog and HttpEndpoint's constructors.
// Thread-safety: not thread-safe; lives on the io_context's one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "api/dynamodb_service.h"
#include "api/http_endpoint.h"
#include "api/table_catalog.h"
#include "replicator/region_server.h"

namespace gtsim::api {

class RegionEndpoint {
 public:
  // `server` must outlive the endpoint; `peers` are the other regions' names.
  RegionEndpoint(boost::asio::io_context& io, replication::RegionServer& server,
                 const std::string& region, const std::string& db_path,
                 std::vector<std::string> peers, HttpEndpointOptions options);

  void start() { http_.start(); }
  uint16_t port() const { return http_.port(); }

 private:
  TableCatalog catalog_;
  DynamoDbService service_;
  HttpEndpoint http_;
};

}  // namespace gtsim::api
