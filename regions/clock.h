// RegionClock: a region's wall clock as a function of true time.
//
// reading(t) = t + offset + drift * elapsed + jumps. True time comes in as an argument (the host's
// monotonic clock in real processes, virtual time in deterministic mode); this class never reads
// a clock itself. Changing offset or drift takes effect from the given true time on, keeping the
// reading continuous except for the change asked for.
//
// Thread-safety: not thread-safe; owned by one region.
#pragma once

#include <cstdint>
#include <vector>

namespace gtsim {

struct ClockJump {
  int64_t at_true_us = 0;  // when the jump happens, in true time
  int64_t delta_us = 0;    // how far the reading jumps (negative: backwards)
};

struct ClockSettings {
  int64_t offset_us = 0;
  double drift_ppm = 0;  // +100 means the clock gains 100 us per true second
  std::vector<ClockJump> jumps;
};

class RegionClock {
 public:
  RegionClock() = default;
  // The clock starts at true time `start_true_us` reading start_true_us + offset.
  RegionClock(const ClockSettings& settings, int64_t start_true_us);

  // The clock's reading at true time `true_us` (which must not go backwards between calls that
  // change the clock; reading is pure).
  int64_t read(int64_t true_us) const;

  // From `true_us` on, the reading is true time + offset_us (drift continues from there).
  void set_offset(int64_t true_us, int64_t offset_us);
  void set_drift(int64_t true_us, double drift_ppm);
  // The reading jumps by delta_us at true_us.
  void jump(int64_t true_us, int64_t delta_us);

 private:
  void rebase(int64_t true_us);

  int64_t anchor_true_us_ = 0;
  int64_t anchor_reading_us_ = 0;
  double drift_ppm_ = 0;
  std::vector<ClockJump> pending_jumps_;  // after the anchor, sorted by time
};

}  // namespace gtsim
