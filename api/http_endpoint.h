// HttpEndpoint: the DynamoDB endpoint of a region process, HTTP/1.1 with Boost.Beast on the
// region's io_context (the Region is not thread-safe, so the endpoint runs on its thread).
//
// POST / with X-Amz-Target goes to DynamoDbService; the reply carries Content-Type
// application/x-amz-json-1.0, x-amzn-RequestId and x-amz-crc32 (CRC32 of the body, which SDKs
// check). GET / answers "healthy", as DynamoDB does. Connections are kept alive. When credentials
// are configured, each request's SigV4 signature is verified first (sigv4.h).
//
// Replica changes a call asks for (PeerCall) are POSTed to the other regions' endpoints in the
// background, retried with backoff for about a minute, and logged if they never succeed.
//
// Errors: the constructor throws boost::system::system_error when the address cannot be bound.
// Thread-safety: not thread-safe; everything runs on the io_context's one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "api/dynamodb_service.h"
#include "api/sigv4.h"

namespace gtsim::api {

struct HttpEndpointOptions {
  std::string listen = "127.0.0.1:8000";  // host:port or a bare port
  // Region name -> address of its endpoint, where replica changes are sent.
  std::map<std::string, std::string> peers;
  std::optional<Credentials> credentials;  // verify SigV4 when set
  // DynamoDB's requests are far smaller; a bigger body is refused with a 413.
  size_t max_body_bytes = 16 * 1024 * 1024;
};

class HttpEndpoint {
 public:
  // `service` must outlive the endpoint.
  HttpEndpoint(boost::asio::io_context& io, HttpEndpointOptions options, DynamoDbService& service);
  ~HttpEndpoint();

  // Starts accepting connections on the io_context, which the caller runs.
  void start();
  uint16_t port() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace gtsim::api
