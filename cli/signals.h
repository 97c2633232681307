// cli/signals.h — SIGTERM/SIGINT turn into a cancel flag for grove::Train.
//
//   InstallStopHandlers();
//   options.cancel = &StopFlag();            // Train abandons the current round when set
//   ... if (StopSignal() != 0) save what there is, exit 128 + StopSignal()
//
// SageMaker stops a job (StopTrainingJob, MaxRuntimeInSeconds, tuner early stopping) with
// SIGTERM and sends SIGKILL 120 s later; as PID 1 of a container the process would ignore
// SIGTERM without a handler. The handler only stores into lock-free atomics, which is
// async-signal-safe. It is installed with SA_RESETHAND: a second signal gets the default
// action (an impatient second Ctrl-C ends the process at once).
#pragma once

#include <atomic>

namespace grove::cli {

/// Installs the handler for SIGTERM and SIGINT. Idempotent.
void InstallStopHandlers();
/// True once a stop signal arrived; pass its address as TrainOptions::cancel.
const std::atomic<bool>& StopFlag();
/// The signal number that asked to stop, or 0.
int StopSignal();
/// "SIGTERM", "SIGINT" or "signal <n>".
const char* StopSignalName();

}  // namespace grove::cli
