/*
 * checkq.c - hashing and checking while writing, in a second thread
 * (see checkq.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "checkq.h"
#include "sepa/digest.h"
#include "xmlw.h"

#define CHECKQ_SLOTS 8

struct checkq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf[CHECKQ_SLOTS];
	size_t len[CHECKQ_SLOTS];
	size_t cap[CHECKQ_SLOTS];
	unsigned head; /* next slot the thread reads */
	unsigned tail; /* next slot the writer fills */
	int done;
	int nomem;
	int started;
	pthread_t th;
	EVP_MD_CTX *md; /* NULL: the writer hashes */
	int md_failed;
	checkq_feed_fn feed; /* NULL: hash only */
	void *feed_arg;
};

static void *
checkq_main(void *arg)
{
	struct checkq *q = arg;

	for (;;) {
		unsigned i;

		pthread_mutex_lock(&q->mu);
		while (q->head == q->tail && !q->done)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->head == q->tail) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		i = q->head % CHECKQ_SLOTS;
		pthread_mutex_unlock(&q->mu);
		if (q->md != NULL &&
		    EVP_DigestUpdate(q->md, q->buf[i], q->len[i]) != 1)
			q->md_failed = 1;
		if (q->feed != NULL)
			q->feed(q->feed_arg, q->buf[i], q->len[i]);
		pthread_mutex_lock(&q->mu);
		q->head++;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
	}
	return NULL;
}

/* xmlw tap: copy the chunk into the next free slot. */
static void
checkq_push(void *arg, const char *buf, size_t n)
{
	struct checkq *q = arg;
	unsigned i;

	pthread_mutex_lock(&q->mu);
	while (q->tail - q->head == CHECKQ_SLOTS)
		pthread_cond_wait(&q->cv, &q->mu);
	i = q->tail % CHECKQ_SLOTS;
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
checkq_free(struct checkq *q)
{
	for (int i = 0; i < CHECKQ_SLOTS; i++)
		free(q->buf[i]);
	EVP_MD_CTX_free(q->md);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

int
checkq_start(struct checkq **out, struct xmlw *x, checkq_feed_fn feed,
    void *feed_arg, int hash, sepa_error *err)
{
	struct checkq *q = calloc(1, sizeof(*q));
	int rc;

	*out = NULL;
	if (q == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	for (int i = 0; i < CHECKQ_SLOTS; i++) {
		q->cap[i] = x->cap;
		if ((q->buf[i] = malloc(q->cap[i])) == NULL) {
			checkq_free(q);
			return sepa_error_set(
			    err, SEPA_ENOMEM, "out of memory");
		}
	}
	if (hash &&
	    ((q->md = EVP_MD_CTX_new()) == NULL ||
	        EVP_DigestInit_ex(q->md, EVP_sha256(), NULL) != 1)) {
		checkq_free(q);
		return sepa_error_set(
		    err, SEPA_ENOMEM, "could not set up the SHA-256 digest");
	}
	q->feed = feed;
	q->feed_arg = feed_arg;
	if ((rc = pthread_create(&q->th, NULL, checkq_main, q)) != 0) {
		checkq_free(q);
		errno = rc;
		return sepa_error_set(err, SEPA_EIO,
		    "could not start the validation thread: %s", strerror(rc));
	}
	q->started = 1;
	*out = q;
	x->tap = checkq_push;
	x->tap_arg = q;
	x->hash = !hash;
	return 0;
}

/* No more chunks: wait for the thread. */
static int
checkq_join(struct checkq *q)
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
checkq_finish(struct checkq *q, char hex[65], sepa_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	checkq_join(q);
	if (q->nomem)
		return sepa_error_set(
		    err, SEPA_ENOMEM, "out of memory in the checking thread");
	if (q->md == NULL)
		return 0; /* the writer hashed */
	hex[0] = '\0';
	if (q->md_failed || EVP_DigestFinal_ex(q->md, md, &mdlen) != 1 ||
	    mdlen != 32)
		return sepa_error_set(
		    err, SEPA_EIO, "could not compute the SHA-256");
	sepa_sha256_hex(hex, md);
	return 0;
}

void
checkq_stop(struct checkq *q)
{
	if (q == NULL)
		return;
	checkq_join(q);
	checkq_free(q);
}
