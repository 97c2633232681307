// Catch2 v2 main for every grove test binary.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
