// ServeControl: the control endpoint of `gtsim serve`, which `gtsim fault` talks to. HTTP/1.1 on
// 127.0.0.1 with JSON answers, served on a thread of its own so that a request is read at once
// even while the runner sleeps until its next event.
//
// POST /fault: the body is one fault step as a scenario's `steps:` list writes it, in YAML or JSON
// (e.g. `{isolate: eu-west-1}`). The handler answers it, and may block until the fault is played.
// Any other request gets 404 with {"error": ...}. Bodies over 64 KB are refused.
//
// Errors: the constructor throws boost::system::system_error when the port cannot be bound.
// Thread-safety: the handler runs on the endpoint's thread, one request at a time; construct and
// destroy from one thread. The destructor stops the thread after the request in progress.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace gtsim {

class ServeControl {
 public:
  // (HTTP status, JSON body) for a POST /fault's body.
  using Handler = std::function<std::pair<int, nlohmann::json>(const std::string& body)>;

  ServeControl(uint16_t port, Handler handler);
  ~ServeControl();
  ServeControl(const ServeControl&) = delete;
  ServeControl& operator=(const ServeControl&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gtsim
