// Linked into every executable of a sanitizer build (STARVP_SANITIZE, cmake/StarTargetDefaults.cmake).
//
// Debian's SystemC tells AddressSanitizer about its coroutine switches
// (__sanitizer_start_switch_fiber), and at exit the main thread's stack bounds can still name a
// coroutine stack SystemC has freed: LeakSanitizer's scan of thread stacks then reads an unmapped
// page and dies ("Tracer caught signal 11", "LeakSanitizer has encountered a fatal error") after
// the test itself passed, in about one run of three on some kernels. Leak checking stays on; the
// stacks are left out of its roots (after sc_main returns they hold no live pointers of ours).
extern "C" const char* __lsan_default_options() { return "use_stacks=0"; }
