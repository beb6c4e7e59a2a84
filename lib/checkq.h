/*
 * checkq.h - hashing and checking while writing (private to lib/). A
 * writer built on xmlw hands every chunk it writes to a second thread
 * that hashes it (SHA-256, for the sidecar) and, when given a consumer,
 * feeds it to that consumer too (a streamed validator), so a large file
 * costs about max(format, hash + validate) instead of their sum. A
 * bounded ring of chunk copies keeps memory flat; the writer waits when
 * it is full. Used by the pain.008 and PES writers.
 */
#ifndef SEPA_CHECKQ_H
#define SEPA_CHECKQ_H

#include <stddef.h>

#include "sepa/error.h"

struct xmlw;
struct checkq;

/*
 * A consumer of the written bytes, called in the thread in file order:
 * returns 0, or -1 once it has given up (it keeps its own error; later
 * calls are still made and must do nothing).
 */
typedef int (*checkq_feed_fn)(void *arg, const char *buf, size_t n);

/*
 * Start the thread and plug it into x as its tap. With hash, the thread
 * computes the SHA-256 and x no longer does; without, x keeps hashing
 * (in the writer's thread, when the consumer is the slower side). feed
 * may be NULL (hash only); feed_arg is borrowed until checkq_finish or
 * checkq_stop returns.
 */
int checkq_start(struct checkq **out, struct xmlw *x, checkq_feed_fn feed,
    void *feed_arg, int hash, sepa_error *err);

/*
 * No more chunks: wait for the thread and, when it hashed, put the
 * SHA-256 of every chunk in hex (else hex is left as xmlw_finish gave
 * it). The consumer's verdict is the caller's to ask for afterwards.
 */
int checkq_finish(struct checkq *q, char hex[65], sepa_error *err);

/* Stop the thread (when running) and free q; NULL is allowed. */
void checkq_stop(struct checkq *q);

#endif /* SEPA_CHECKQ_H */
