#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace grove::cli {

Progress::Progress(int first_round, int total_rounds, bool force)
    : enabled_(force || ::isatty(STDERR_FILENO) == 1),
      first_round_(first_round),
      total_rounds_(total_rounds),
      start_(Clock::now()),
      last_draw_(start_) {}

void Progress::Update(int rounds_done) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  const bool last = rounds_done >= total_rounds_;
  if (drawn_ && !last && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const int trained = rounds_done - first_round_;
  const double rate = seconds > 0.0 ? trained / seconds : 0.0;
  std::string eta = "--";
  if (rate > 0.0) {
    const long left = static_cast<long>((total_rounds_ - rounds_done) / rate + 0.5);
    eta = left >= 3600 ? fmt::format("{}h{:02}m", left / 3600, left / 60 % 60)
                       : fmt::format("{}m{:02}s", left / 60, left % 60);
  }
  const std::string line = fmt::format("\r\033[Kround {}/{}  {:.1f} rounds/s  ETA {}",
                                       rounds_done, total_rounds_, rate, eta);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Clear() {
  if (!enabled_ || !drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace grove::cli
