#include "cli/signals.h"

#include <csignal>
#include <cstring>

namespace grove::cli {
namespace {

static_assert(std::atomic<bool>::is_always_lock_free);
static_assert(std::atomic<int>::is_always_lock_free);

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void OnStopSignal(int signal_number) {
  g_signal.store(signal_number, std::memory_order_relaxed);
  g_stop.store(true, std::memory_order_release);
}

}  // namespace

void InstallStopHandlers() {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: reads of channel data continue; the flag is checked once they are done.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

const std::atomic<bool>& StopFlag() { return g_stop; }

int StopSignal() { return g_signal.load(std::memory_order_relaxed); }

const char* StopSignalName() {
  switch (StopSignal()) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    default:
      return "a stop signal";
  }
}

}  // namespace grove::cli
