// Default runtime options of the sanitizer build (LIVEREC_SANITIZE, cmake/sanitize.cmake),
// linked into every executable of that build only, so that a sanitized liverec behaves the same
// however it is started: by CTest, by the Node tests' harness, or by hand. The environment
// (ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS) still overrides any of them, option by option.
//
// - Any report stops the process with exit status 1 (UBSan: -fno-sanitize-recover=all), so a
//   test that reaches a report fails.
// - LeakSanitizer runs at exit; tests/sanitizers/lsan.supp lists the leaks of third-party
//   libraries that are not ours to fix (LIVEREC_LSAN_SUPPRESSIONS, its absolute path).
// - Allocation stacks are unwound with the debug info (fast_unwind_on_malloc=0): the Debian
//   libraries have no frame pointers, so the fast unwinder stops inside libav* and a leak there
//   would show no frame of ours, neither to fix nor for a suppression to name. It costs 1.6 to 3
//   times the time of allocation-heavy unit tests (media, the recorder's simulations), little
//   for the Node files, which wait on media pushed in real time.
//
// The sanitizer runtimes call these functions once, before main(); they hold no state.

extern "C" {

const char* __asan_default_options() {
  return "halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:"
         "strict_string_checks=1:check_initialization_order=1:strict_init_order=1:"
         "fast_unwind_on_malloc=0";
}

const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

const char* __lsan_default_options() {
  return "print_suppressions=0:suppressions=" LIVEREC_LSAN_SUPPRESSIONS;
}

}  // extern "C"
