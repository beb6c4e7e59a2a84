/*
 * web_api.c - the console's JSON API over the store: each handler reads
 * its arguments, calls the same store function as the sepactl command,
 * and returns its rows or its refusal (docs/api.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/error.h"
#include "log.h"
#include "store_event.h"
#include "web_internal.h"

/* The creditor, or a 409 reply when sepactl init has not registered it. */
static int64_t
api_creditor(struct web_req *r)
{
	int64_t id = web_req_creditor(r);

	if (id <= 0)
		web_reply_error(r, 409, "refused",
		    "the creditor of the configuration is not registered: "
		    "run sepactl init");
	return id;
}

/* GET /api/attention[?all=1]: the events needing a person. */
static void
api_attention(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct attention_row *rows = NULL;
	const char *all = web_req_arg(r, "all");
	int64_t cred = api_creditor(r);
	json_t *list;
	size_t n = 0;

	if (cred <= 0)
		return;
	if (store_attention_list(web_req_db(r), cred,
	        all != NULL && strcmp(all, "1") == 0, &rows, &n, &err) != 0) {
		web_reply_store(r, &err);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list,
		    json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?}", "id",
		        (json_int_t)rows[i].id, "date", rows[i].business_date,
		        "kind", rows[i].kind, "message", rows[i].message,
		        "acknowledged_on",
		        rows[i].acknowledged_on[0] != '\0'
		            ? rows[i].acknowledged_on
		            : NULL,
		        "note", rows[i].note[0] != '\0' ? rows[i].note : NULL));
	store_attention_rows_free(rows, n);
	web_reply(r, 200, json_pack("{s:o}", "events", list));
}

/*
 * POST /api/attention/ack {"ids": [..] | "all": true, "note": TEXT}: the
 * acknowledgement of `sepactl attention ack`, naming the user.
 */
static void
api_attention_ack(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	json_t *body, *ids, *v;
	int64_t cred, done, *list = NULL;
	const char *note;
	size_t n = 0, i;
	bool all;

	if ((body = web_req_json(r)) == NULL)
		return;
	ids = json_object_get(body, "ids");
	all = json_is_true(json_object_get(body, "all"));
	note = json_string_value(json_object_get(body, "note"));
	if (note == NULL || (all == (ids != NULL)) ||
	    (ids != NULL &&
	        (!json_is_array(ids) || json_array_size(ids) == 0 ||
	            json_array_size(ids) > 10000))) {
		web_reply_error(r, 400, "bad_request",
		    "an acknowledgement needs \"ids\" (event ids) or \"all\": "
		    "true, and \"note\"");
		json_decref(body);
		return;
	}
	list = xcalloc(json_array_size(ids) + 1, sizeof(*list));
	json_array_foreach(ids, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			web_reply_error(r, 400, "bad_request",
			    "\"ids\" holds something that is not an event id");
			goto done;
		}
		list[n++] = json_integer_value(v);
	}
	if ((cred = api_creditor(r)) <= 0)
		goto done;
	if (store_attention_ack(web_req_db(r), cred, list, n, web_req_today(r),
	        note, &done, &err) != 0)
		web_reply_store(r, &err);
	else
		web_reply(r, 200,
		    json_pack("{s:I}", "acknowledged", (json_int_t)done));
done:
	free(list);
	json_decref(body);
}

const struct web_route web_api_routes[] = {
    {"GET", "/api/attention", WEB_VIEWER, api_attention},
    {"POST", "/api/attention/ack", WEB_FINANCE, api_attention_ack},
    {NULL, NULL, WEB_PUBLIC, NULL},
};
