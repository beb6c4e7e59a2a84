/*
 * pain008_internal.h - what the pain.008 writer (pain008_write.c) and
 * the streamed validator (pain008_validate.c) share (private to lib/).
 *
 * The writer hands its chunks to the hashing/validation queue
 * (checkq.c), and the queue to the validator; the validator depends on
 * neither, so the version table and the block keys that both the writer
 * and the validator check live there.
 */
#ifndef SEPA_PAIN008_INTERNAL_H
#define SEPA_PAIN008_INTERNAL_H

#include <stddef.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/pain008.h"
#include "sepa/rules.h"

/* What differs between the two versions; everything else is shared. */
struct p8_version {
	const char *ns;
	const char *xsd;
	const char *bic_tag;
	enum sepa_bic_rule bic_rule;
};

/* Indexed by enum sepa_pain008_version. */
extern const struct p8_version p8_versions[];

/* A payment block's grouping key: one PmtInf per key in a file. */
struct p8_key {
	int seq;
	sepa_date date;
	char iban[SEPA_IBAN_BUFSZ];
	char cid[SEPA_CID_BUFSZ];
};

struct p8_keys {
	struct p8_key *v;
	size_t n;
	size_t cap;
};

/* Add a key; SEPA_EINVAL when the file already has a block with it. */
int p8_keys_add(struct p8_keys *k, const struct p8_key *key, sepa_error *err);

/* "FRST" ... "FNAL", or NULL for a value outside the enum. */
static inline const char *
p8_seq_name(int seq)
{
	if (seq < SEPA_SEQ_FRST || seq > SEPA_SEQ_FNAL)
		return NULL;
	return sepa_seq_name((enum sepa_seq)seq);
}

static inline int
p8_empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* 1 when the n first characters of s are digits. */
static inline int
p8_digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* ---------------------------------------- validator (pain008_validate.c) */

struct p8v;

/*
 * Set up a streamed validation of a document of the given version:
 * schema loaded from schema_dir, push parser with the schema plugged in.
 * `name` (borrowed) names the document in messages; every later error
 * goes to err (borrowed until p8v_free).
 */
int p8v_open(struct p8v **out, const char *schema_dir, int version,
    const char *name, sepa_error *err);

/* Parse the next n bytes. Returns 0, or -1 once the document failed. */
int p8v_feed(struct p8v *v, const char *buf, size_t n);

/* End of input: the last checks, then the totals into info. */
int p8v_finish(struct p8v *v, sepa_pain008_info *info);

void p8v_free(struct p8v *v);

#endif /* SEPA_PAIN008_INTERNAL_H */
