// LinkModel: how long one directed link takes to deliver a message.
//
// A delay is sampled per message from a latency distribution, plus jitter, plus a retransmission
// timeout per simulated loss (TCP carries the link, so loss shows up as delay, never as a missing
// message), after the message has been serialized at the link's bandwidth. Delivery keeps the
// send order, as TCP does: a message is delivered at max(previous delivery, send + delay), so a
// slow message holds back the ones behind it (head-of-line blocking).
//
// Samples come from a PRNG seeded at construction, drawn through gtsim's own transforms of
// mt19937_64's (standardized) output, so one seed gives the same delays on every platform.
//
// Thread-safety: not thread-safe; one owner.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace gtsim::replication {

enum class LatencyKind { kConstant, kUniform, kNormal, kExponential, kLognormal };

const char* latency_kind_name(LatencyKind kind);
// Throws DynamoError(kValidation) for an unknown name.
LatencyKind latency_kind_from_name(const std::string& name);

struct LinkParams {
  LatencyKind kind = LatencyKind::kConstant;
  // constant: the delay; normal, exponential: the mean; lognormal: the median.
  int64_t mean_us = 0;
  // uniform: the bounds; exponential: min_us is a floor, the delay min_us + Exp(mean - min_us).
  int64_t min_us = 0, max_us = 0;
  int64_t stddev_us = 0;  // normal
  double sigma = 0;       // lognormal: the shape (standard deviation of the log)
  // Added uniformly in [-jitter, +jitter]; a delay never goes below zero.
  int64_t jitter_us = 0;
  // Probability that one transmission of a message is lost; each loss adds a retransmission
  // timeout before the next try.
  double loss = 0;
  int64_t retransmit_timeout_us = 200'000;  // Linux's minimum TCP RTO
  int64_t bandwidth_bytes_per_s = 0;        // 0: unlimited
  // Probability that a message is delivered twice (an at-least-once channel).
  double duplicate = 0;

  // Throws DynamoError(kValidation) for negative times, inverted bounds or probabilities outside
  // [0, 1) (a loss of 1 would never deliver).
  void validate() const;
  bool operator==(const LinkParams&) const = default;
};

// A constant link of `one_way_us`.
LinkParams constant_link(int64_t one_way_us);

class LinkModel {
 public:
  // Throws DynamoError(kValidation) for invalid `params`.
  LinkModel(const LinkParams& params, uint64_t seed);

  const LinkParams& params() const { return params_; }
  // Applies to messages sent from now on; delivery order is still preserved. Throws
  // DynamoError(kValidation) for invalid `params`, keeping the old ones.
  void set_params(const LinkParams& params);

  // When a message of `bytes` sent at `now_us` arrives. Never earlier than the previous result.
  int64_t deliver_at(int64_t now_us, size_t bytes);
  // No message sent later arrives before `due_us` (a held message was rescheduled to it).
  void order_after(int64_t due_us) { last_delivery_us_ = std::max(last_delivery_us_, due_us); }
  // Whether the next message is to be delivered twice.
  bool sample_duplicate();
  // One sample of propagation delay (distribution, jitter and losses), without ordering or
  // serialization.
  int64_t sample_delay_us();

 private:
  double uniform01();
  double standard_normal();

  LinkParams params_;
  std::mt19937_64 rng_;
  int64_t last_delivery_us_ = INT64_MIN;
  int64_t transmitter_free_us_ = INT64_MIN;  // end of the previous message's serialization
};

// A seed for the link from -> to derived from a run's seed, stable across platforms.
uint64_t link_seed(uint64_t run_seed, const std::string& from, const std::string& to);

}  // namespace gtsim::replication
