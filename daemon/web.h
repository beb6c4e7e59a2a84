/*
 * web.h - the web console sepad serves (web.c): an HTTP server
 * (libmicrohttpd) with threads of its own and a small pool of database
 * connections of its own, beside the daemon's cycle. Its pages and the
 * JSON API are described in docs/api.md, its design in
 * docs/design/web-console.md.
 */
#ifndef SEPAD_WEB_H
#define SEPAD_WEB_H

#include "sepa/error.h"
#include "config.h"

struct web;

/*
 * Listen where cfg says (web.address and web.port, or web.socket) and
 * serve with web.threads threads, each request with a database
 * connection from the pool, opened with conninfo. cfg is copied (a
 * reload of the daemon's configuration does not reach the console).
 * SEPA_EIO when the address cannot be taken (err says why).
 */
int web_start(struct web **out, const struct sepad_config *cfg,
    const char *conninfo, sepa_error *err);
/* Where it listens, for the log ("http://127.0.0.1:8750/"). */
const char *web_url(const struct web *w);
/* Stop: the requests under way end, the connections close. NULL: no-op. */
void web_stop(struct web *w);

#endif /* SEPAD_WEB_H */
