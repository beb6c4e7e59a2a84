/*
 * pain008_queue.c - hashing and validation while writing. The pain.008
 * writer (pain008_write.c) hands every chunk it writes to a second thread
 * that hashes it (SHA-256 for the sidecar) and, when asked, validates it
 * (XSD + rules, pain008_validate.c) as the file grows, so a
 * 1M-transaction file costs about max(format, hash + validate) instead of
 * their sum. A bounded ring of chunk copies keeps memory flat; the writer
 * waits when it is full.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <openssl/evp.h>

#include "sepa/digest.h"
#include "pain008_internal.h"
#include "xmlw.h"

#define P8Q_SLOTS 8

struct p8q {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf[P8Q_SLOTS];
	size_t len[P8Q_SLOTS];
	size_t cap[P8Q_SLOTS];
	unsigned head; /* next slot the thread reads */
	unsigned tail; /* next slot the writer fills */
	int done;
	int nomem;
	int started;
	pthread_t th;
	EVP_MD_CTX *md;
	int md_failed;
	struct p8v *v; /* NULL: hash only */
	sepa_error err;
};

static void *
p8q_main(void *arg)
{
	struct p8q *q = arg;

	for (;;) {
		unsigned i;

		pthread_mutex_lock(&q->mu);
		while (q->head == q->tail && !q->done)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->head == q->tail) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		i = q->head % P8Q_SLOTS;
		pthread_mutex_unlock(&q->mu);
		if (EVP_DigestUpdate(q->md, q->buf[i], q->len[i]) != 1)
			q->md_failed = 1;
		if (q->v != NULL)
			p8v_feed(q->v, q->buf[i], q->len[i]);
		pthread_mutex_lock(&q->mu);
		q->head++;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
	}
	return NULL;
}

/* xmlw tap: copy the chunk into the next free slot. */
static void
p8q_push(void *arg, const char *buf, size_t n)
{
	struct p8q *q = arg;
	unsigned i;

	pthread_mutex_lock(&q->mu);
	while (q->tail - q->head == P8Q_SLOTS)
		pthread_cond_wait(&q->cv, &q->mu);
	i = q->tail % P8Q_SLOTS;
	pthread_mutex_unlock(&q->mu);
	/* The slot is the writer's until tail moves past it. */
	if (n > q->cap[i]) {
		char *b = realloc(q->buf[i], n);

		if (b == NULL) {
			q->nomem = 1;
			n = 0;
		} else {
			q->buf[i] = b;
			q->cap[i] = n;
		}
	}
	memcpy(q->buf[i], buf, n);
	q->len[i] = n;
	pthread_mutex_lock(&q->mu);
	q->tail++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static void
p8q_free(struct p8q *q)
{
	for (int i = 0; i < P8Q_SLOTS; i++)
		free(q->buf[i]);
	p8v_free(q->v);
	EVP_MD_CTX_free(q->md);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

int
p8q_start(struct p8q **out, struct xmlw *x, const sepa_pain008_opts *opts,
    const char *path, sepa_error *err)
{
	struct p8q *q = calloc(1, sizeof(*q));
	int rc;

	if (q == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	for (int i = 0; i < P8Q_SLOTS; i++) {
		q->cap[i] = x->cap;
		if ((q->buf[i] = malloc(q->cap[i])) == NULL) {
			p8q_free(q);
			return sepa_error_set(
			    err, SEPA_ENOMEM, "out of memory");
		}
	}
	q->md = EVP_MD_CTX_new();
	if (q->md == NULL ||
	    EVP_DigestInit_ex(q->md, EVP_sha256(), NULL) != 1) {
		p8q_free(q);
		return sepa_error_set(
		    err, SEPA_ENOMEM, "could not set up the SHA-256 digest");
	}
	xmlInitParser();
	if (opts->validate &&
	    (rc = p8v_open(&q->v, opts->schema_dir, (int)opts->version, path,
	         &q->err)) != 0) {
		*err = q->err;
		p8q_free(q);
		return rc;
	}
	if ((rc = pthread_create(&q->th, NULL, p8q_main, q)) != 0) {
		p8q_free(q);
		errno = rc;
		return sepa_error_set(err, SEPA_EIO,
		    "could not start the validation thread: %s", strerror(rc));
	}
	q->started = 1;
	*out = q;
	x->tap = p8q_push;
	x->tap_arg = q;
	x->hash = 0;
	return 0;
}

/* No more chunks: wait for the thread, then the last checks. */
static int
p8q_join(struct p8q *q)
{
	if (!q->started)
		return 0;
	pthread_mutex_lock(&q->mu);
	q->done = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	q->started = 0;
	return pthread_join(q->th, NULL);
}

int
p8q_finish(
    struct p8q *q, sepa_pain008_info *info, char hex[65], sepa_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int rc;

	hex[0] = '\0';
	p8q_join(q);
	if (q->nomem)
		return sepa_error_set(
		    err, SEPA_ENOMEM, "out of memory in the checking thread");
	if (q->md_failed || EVP_DigestFinal_ex(q->md, md, &mdlen) != 1 ||
	    mdlen != 32)
		return sepa_error_set(
		    err, SEPA_EIO, "could not compute the SHA-256");
	sepa_sha256_hex(hex, md);
	if (q->v == NULL)
		return 0;
	rc = p8v_finish(q->v, info);
	if (rc != 0 && err != NULL)
		*err = q->err;
	return rc;
}

void
p8q_stop(struct p8q *q)
{
	if (q == NULL)
		return;
	p8q_join(q);
	p8q_free(q);
}
