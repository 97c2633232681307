// cli/commands.h — the verbs of the `grove` tool. Each takes the arguments after the verb
// (argv[0] is the verb itself) and returns the process exit code; errors are thrown and turned
// into messages and exit codes by main.cc.
#pragma once

namespace grove::cli {

int RunDemo(int argc, char** argv);
int RunInfo(int argc, char** argv);

}  // namespace grove::cli
