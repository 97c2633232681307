// cli/commands.h — the verbs of the `grove` tool. Each takes the arguments after the verb
// (argv[0] is the verb itself) and returns the process exit code; errors are thrown and turned
// into messages and exit codes by main.cc.
#pragma once

namespace grove::cli {

int RunDemo(int argc, char** argv);
int RunInfo(int argc, char** argv);
/// `grove fit`: script mode under SageMaker's SM_* variables, else explicit paths (cli/fit.cc).
int RunFit(int argc, char** argv);
/// `grove train` (or the binary named `train`): SageMaker container mode.
int RunTrain(int argc, char** argv);
/// `grove predict`: batch predictions from a model file, directory or model.tar.gz.
int RunPredict(int argc, char** argv);
/// `grove export`: a model as XGBoost JSON or grove's native JSON.
int RunExport(int argc, char** argv);

}  // namespace grove::cli
