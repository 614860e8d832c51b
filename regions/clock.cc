#include "regions/clock.h"

#include <algorithm>
#include <cmath>

namespace gtsim {

RegionClock::RegionClock(const ClockSettings& settings, int64_t start_true_us)
    : anchor_true_us_(start_true_us),
      anchor_reading_us_(start_true_us + settings.offset_us),
      drift_ppm_(settings.drift_ppm),
      pending_jumps_(settings.jumps) {
  std::stable_sort(
      pending_jumps_.begin(), pending_jumps_.end(),
      [](const ClockJump& a, const ClockJump& b) { return a.at_true_us < b.at_true_us; });
}

int64_t RegionClock::read(int64_t true_us) const {
  int64_t elapsed = true_us - anchor_true_us_;
  int64_t reading =
      anchor_reading_us_ + elapsed +
      static_cast<int64_t>(std::llround(static_cast<double>(elapsed) * drift_ppm_ / 1e6));
  for (const ClockJump& j : pending_jumps_) {
    if (j.at_true_us > true_us) break;
    reading += j.delta_us;
  }
  return reading;
}

void RegionClock::rebase(int64_t true_us) {
  anchor_reading_us_ = read(true_us);
  anchor_true_us_ = true_us;
  std::erase_if(pending_jumps_, [&](const ClockJump& j) { return j.at_true_us <= true_us; });
}

void RegionClock::set_offset(int64_t true_us, int64_t offset_us) {
  rebase(true_us);
  anchor_reading_us_ = true_us + offset_us;
}

void RegionClock::set_drift(int64_t true_us, double drift_ppm) {
  rebase(true_us);
  drift_ppm_ = drift_ppm;
}

void RegionClock::jump(int64_t true_us, int64_t delta_us) {
  rebase(true_us);
  anchor_reading_us_ += delta_us;
}

}  // namespace gtsim
