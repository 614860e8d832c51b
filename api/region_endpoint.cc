#include "api/region_endpoint.h"

namespace gtsim::api {

RegionEndpoint::RegionEndpoint(boost::asio::io_context& io, replication::RegionServer& server,
                               const std::string& region, const std::string& db_path,
                               std::vector<std::string> peers, HttpEndpointOptions options)
    : catalog_(db_path + ".tables.json", region, std::move(peers)),
      service_(server.region(), catalog_,
               [&server](const std::string& operation, const nlohmann::json& request) {
                 return server.call(operation, request);
               }),
      http_(io, std::move(options), service_) {}

}  // namespace gtsim::api
