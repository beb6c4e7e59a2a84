/*
 * seen.h - the values already met (private to lib/): a set of keyed
 * 64-bit hashes in an open-addressing table, 8 bytes per value (16 MB
 * at 1M). Two different values sharing a hash would be taken for a
 * duplicate; the key is drawn at random for each set, so the odds
 * (below 1e-7 for 1M values) do not repeat when a file is written
 * again, and crafted input cannot aim at one slot. Used for the
 * EndToEndIds of a pain.008 and the piece numbers of a PES bordereau.
 */
#ifndef SEPA_SEEN_H
#define SEPA_SEEN_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/error.h"

struct seen {
	uint64_t *slot;
	size_t cap; /* power of two */
	size_t n;
	uint64_t key;
};

/*
 * An empty set with room for `expect` values before it grows (at most
 * 2^24 slots up front); SEPA_ENOMEM. seen_free is safe after a failure.
 */
int seen_init(struct seen *t, size_t expect, sepa_error *err);

/* Forget the values, keep the table (and the key). */
void seen_clear(struct seen *t);

void seen_free(struct seen *t);

/* The hash of a string under t's key (never 0). */
uint64_t seen_hash_str(const struct seen *t, const char *s);

/* Add h: 0 when new, 1 when already there, -1 out of memory. */
int seen_add(struct seen *t, uint64_t h);

#endif /* SEPA_SEEN_H */
