/*
 * seen.c - a set of keyed 64-bit hashes (see seen.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "seen.h"

int
seen_init(struct seen *t, size_t expect, sepa_error *err)
{
	memset(t, 0, sizeof(*t));
	if (getrandom(&t->key, sizeof(t->key), 0) != (ssize_t)sizeof(t->key))
		t->key = (uint64_t)(uintptr_t)t;
	/* Sized once from the expected count: no rehash peak at 1M. */
	t->cap = 1024;
	while (t->cap < ((size_t)1 << 24) && t->cap < 2 * expect)
		t->cap *= 2;
	if ((t->slot = calloc(t->cap, sizeof(uint64_t))) == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	return 0;
}

void
seen_clear(struct seen *t)
{
	if (t->slot != NULL)
		memset(t->slot, 0, t->cap * sizeof(*t->slot));
	t->n = 0;
}

void
seen_free(struct seen *t)
{
	free(t->slot);
	t->slot = NULL;
	t->cap = t->n = 0;
}

/* Final mix (murmur3) so that close values spread over the table. */
static uint64_t
seen_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h != 0 ? h : 1;
}

uint64_t
seen_hash_str(const struct seen *t, const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037) ^ t->key;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(1099511628211);
	}
	return seen_mix(h);
}

static void
seen_put(struct seen *t, uint64_t h)
{
	size_t i = (size_t)h & (t->cap - 1);

	while (t->slot[i] != 0)
		i = (i + 1) & (t->cap - 1);
	t->slot[i] = h;
	t->n++;
}

int
seen_add(struct seen *t, uint64_t h)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		struct seen g = *t;

		g.cap = t->cap != 0 ? 2 * t->cap : 1024;
		g.n = 0;
		if ((g.slot = calloc(g.cap, sizeof(*g.slot))) == NULL)
			return -1;
		for (i = 0; i < t->cap; i++)
			if (t->slot[i] != 0)
				seen_put(&g, t->slot[i]);
		free(t->slot);
		*t = g;
	}
	for (i = (size_t)h & (t->cap - 1); t->slot[i] != 0;
	     i = (i + 1) & (t->cap - 1))
		if (t->slot[i] == h)
			return 1;
	seen_put(t, h);
	return 0;
}
