// Default options of the sanitizer runtimes, compiled into every executable of a sanitizer build
// (cmake/sanitizers.cmake), so that a report fails the process however it was started: a doctest
// binary, a fuzz target, or the server under the end-to-end tests, whose harness only sees an
// exit code. ASAN_OPTIONS, UBSAN_OPTIONS and TSAN_OPTIONS are applied on top of these.
//
// - halt_on_error: the first report ends the process with a failing exit code.
// - detect_leaks: on by default only on some platforms; always wanted here.
// - detect_stack_use_after_return: completion handlers run long after the frame that queued them;
//   a captured reference to a local is exactly the bug this finds.
// - check_initialization_order, strict_init_order: static initialisation across files.
extern "C" {

__attribute__((used, visibility("default"))) const char* __asan_default_options() {
    return "halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:"
           "check_initialization_order=1:strict_init_order=1";
}

__attribute__((used, visibility("default"))) const char* __ubsan_default_options() {
    return "halt_on_error=1:print_stacktrace=1";
}

__attribute__((used, visibility("default"))) const char* __tsan_default_options() {
    return "halt_on_error=1:second_deadlock_stack=1";
}
}
