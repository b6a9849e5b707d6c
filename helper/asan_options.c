// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * asan_options.c - run-time options of a -DTAPGATE_SANITIZE=ON build only.
 *
 * tapgate empties its environment before any constructor (process.c),
 * so ASAN_OPTIONS and UBSAN_OPTIONS never reach the sanitizers; their
 * options are compiled in instead. Every finding is fatal, ends with
 * exit status 86 (no exit code of tapgate's own), and is also written
 * to TAPGATE_SANITIZE_LOG.<pid>, where scripts/sanitize looks for it.
 * Never part of an installed binary (CMakeLists.txt, SECURITY.md).
 */
#ifndef TAPGATE_SANITIZE_LOG
#error "asan_options.c is only built with -DTAPGATE_SANITIZE=ON"
#endif

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__lsan_default_options(void);

#define COMMON "exitcode=86:log_path=" TAPGATE_SANITIZE_LOG

const char *__asan_default_options(void)
{
	return COMMON ":detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1";
}

const char *__ubsan_default_options(void)
{
	return COMMON ":print_stacktrace=1:halt_on_error=1";
}

const char *__lsan_default_options(void)
{
	return COMMON;
}
