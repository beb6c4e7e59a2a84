/*
 * fuzz.h - what the libFuzzer targets share: the entry point's prototype
 * and the checks that stop a run on a broken promise.
 */
#ifndef SEPA_FUZZ_H
#define SEPA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A promise of the code under test: a crash the fuzzer reports. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			__builtin_trap(); \
	} while (0)

/* A fixed-size text field holds its NUL. */
#define FUZZ_TERMINATED(field) \
	FUZZ_CHECK(memchr((field), '\0', sizeof(field)) != NULL)

#endif /* SEPA_FUZZ_H */
