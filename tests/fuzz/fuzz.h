/*
 * fuzz.h - what the libFuzzer targets share: the entry point, a check
 * that stops the fuzzer (a broken promise is a finding, as a crash is),
 * and a reader over the input for the APIs that pull their bytes.
 */
#ifndef SEPAD_FUZZ_H
#define SEPAD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			__builtin_trap(); \
	} while (0)

/* A fixed-size text field of a record holds its NUL. */
#define FUZZ_TERMINATED(field) \
	FUZZ_CHECK(memchr((field), '\0', sizeof(field)) != NULL)

/* The input read in chunks of at most `chunk` bytes (0: no limit). */
struct fuzz_src {
	const uint8_t *p;
	size_t len;
	size_t pos;
	size_t chunk;
};

/* A read function (sepa_csv_read_fn) over a struct fuzz_src. */
static inline ssize_t
fuzz_read(void *ctx, void *buf, size_t n)
{
	struct fuzz_src *s = ctx;
	size_t k = s->len - s->pos;

	if (k > n)
		k = n;
	if (s->chunk > 0 && k > s->chunk)
		k = s->chunk;
	memcpy(buf, s->p + s->pos, k);
	s->pos += k;
	return (ssize_t)k;
}

#endif /* SEPAD_FUZZ_H */
