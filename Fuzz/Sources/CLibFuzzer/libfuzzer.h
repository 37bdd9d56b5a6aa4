// libFuzzer's entry for programs that have a main of their own (compiler-rt's FuzzerInterface.h).
//
// Why not let libFuzzer supply main: SwiftPM links every executable with `main` aliased to the
// Swift module's entry point (`<Module>_main`), so an executable target without one does not
// link. The targets therefore have an `@main` that hands argc/argv to this driver, which parses
// libFuzzer's flags and runs the loop exactly as libFuzzer's own main would. The symbol comes
// from libclang_rt.fuzzer, which `-sanitize=fuzzer` links.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
