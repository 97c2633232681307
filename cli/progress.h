// cli/progress.h — a one-line progress display (rounds done, rounds/s, ETA) on stderr, shown
// only when stderr is a terminal, so container logs (CloudWatch) never see it.
//
//   Progress progress(/*first_round=*/0, /*total_rounds=*/100);
//   progress.Clear();        // before printing a line on stdout or stderr
//   progress.Update(done);   // redraws at most a few times a second
//   progress.Finish();       // erases the line
#pragma once

#include <chrono>

namespace grove::cli {

class Progress {
 public:
  /// Rounds [first_round, total_rounds) are about to be trained. Enabled only when stderr is a
  /// terminal (or `force` is true, for tests).
  Progress(int first_round, int total_rounds, bool force = false);
  ~Progress() { Finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool Enabled() const { return enabled_; }
  /// `rounds_done` rounds of total_rounds are complete.
  void Update(int rounds_done);
  /// Erases the line (if drawn) so that the next output starts at column 0.
  void Clear();
  void Finish() { Clear(); }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_ = false;
  bool drawn_ = false;
  int first_round_ = 0;
  int total_rounds_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace grove::cli
