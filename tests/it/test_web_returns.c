/*
 * test_web_returns.c - the console's Retours bancaires API end to end
 * (build/sepad over HTTP, libcurl): a bank file sent as the body of
 * /api/returns/upload is imported by the function of `sepactl import
 * returns` and archived; refused (too big, not a bank file, a viewer,
 * no CSRF token) nothing is stored, and a file that was read goes to
 * rejected/ with its report; the quarantine listed and dismissed, named
 * after the user.
 */
#include <dirent.h>

#include "../db/returnsfix.h"
#include "webrun.h"

static struct webrun run;

static void
fini(void)
{
	webrun_stop(&run);
}

/* The names in dir/var/SUB, sorted, ';'-ended ("" when none). */
static void
listing(const char *sub, char *out, size_t size)
{
	char dir[400];
	struct dirent **names;
	int n;

	out[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/var/%s", run.dir, sub);
	n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' ||
		    strncmp(names[i]->d_name, ".console", 8) == 0) {
			strncat(out, names[i]->d_name, size - strlen(out) - 2);
			strcat(out, ";");
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

#define HAS(c, s) cr_assert(strstr((c).body, s) != NULL, "%s", (c).body)

Test(web_returns, upload_refusals_quarantine, .timeout = 120, .fini = fini)
{
	struct retfix_tx tx[] = {{"AUTRE-CREANCIER", "MS02", 123456, NULL}};
	struct webclient c, v;
	char path[400], list[1024];
	FILE *fp;

	webrun_prepare(&run, "max_upload_kb = 16;");
	webrun_user(&run, "alice", "finance", "correct horse battery");
	webrun_user(&run, "bob", "viewer", "viewer password 1");
	webrun_start(&run);
	webclient_init(&c);
	webclient_init(&v);
	cr_assert_eq(
	    webclient_login(&c, &run, "alice", "correct horse battery"), 200);
	cr_assert_eq(
	    webclient_login(&v, &run, "bob", "viewer password 1"), 200);

	/* too big (20 KiB for 16): refused before it is read */
	snprintf(path, sizeof(path), "%s/big.xml", run.dir);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	for (int i = 0; i < 20 * 1024; i++)
		fputc('x', fp);
	fclose(fp);
	cr_assert_eq(webclient_upload(&c, &run, "/api/returns/upload", path,
	                 "big.xml", true),
	    413, "%s", c.body);
	HAS(c, "web.max_upload_kb");
	/* a viewer, and a finance user without the CSRF token */
	snprintf(path, sizeof(path), "%s/retours.xml", run.dir);
	retfix_camt054(path, "N-WEB-1", tx, 1);
	cr_assert_eq(webclient_upload(&v, &run, "/api/returns/upload", path,
	                 "retours.xml", true),
	    403, "%s", v.body);
	cr_assert_eq(webclient_upload(&c, &run, "/api/returns/upload", path,
	                 "retours.xml", false),
	    403, "%s", c.body);
	/* not a bank file: refused with the import's words, into rejected/ */
	snprintf(path, sizeof(path), "%s/note.txt", run.dir);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fputs("=HYPERLINK(\"http://x\")\n", fp);
	fclose(fp);
	cr_assert_eq(webclient_upload(&c, &run, "/api/returns/upload", path,
	                 "..%2F..%2Fsepad.conf", true),
	    400, "%s", c.body);
	HAS(c, "\"error\":\"refused\"");
	HAS(c, "\"rejected_as\":\"_.._sepad.conf\"");
	cr_assert_eq(
	    webrun_int(&run, "SELECT count(*) FROM imported_files"), 0);
	cr_assert_eq(
	    webrun_int(&run, "SELECT count(*) FROM return_records"), 0);
	listing("rejected", list, sizeof(list));
	cr_assert_str_eq(list, "_.._sepad.conf;_.._sepad.conf.errors.txt;");
	/* no temporary file left in the spool */
	listing("inbox", list, sizeof(list));
	cr_assert(strstr(list, ".console") == NULL, "%s", list);

	/* a bank file: imported, its record quarantined, archived */
	snprintf(path, sizeof(path), "%s/retours.xml", run.dir);
	cr_assert_eq(webclient_upload(&c, &run, "/api/returns/upload", path,
	                 "retours%20oct.xml", true),
	    200, "%s", c.body);
	HAS(c, "\"type\":\"camt.054\"");
	HAS(c, "\"records\":1");
	HAS(c, "\"quarantined\":1");
	HAS(c, "\"archived_as\":\"retours_oct.xml\"");
	listing("archive", list, sizeof(list));
	cr_assert_str_eq(list, "retours_oct.xml;");
	listing("inbox", list, sizeof(list));
	cr_assert(strstr(list, ".console") == NULL, "%s", list);
	cr_assert_eq(webrun_int(&run,
	                 "SELECT count(*) FROM events WHERE actor = "
	                 "'alice' AND kind LIKE 'returns.%'"),
	    1);
	/* the same bytes again: nothing done */
	cr_assert_eq(webclient_upload(&c, &run, "/api/returns/upload", path,
	                 "retours.xml", true),
	    200, "%s", c.body);
	HAS(c, "\"already\":true");

	/* the quarantine: read by a viewer, dismissed by finance */
	cr_assert_eq(webclient_get(&v, &run, "/api/quarantine"), 200);
	HAS(v, "\"end_to_end\":\"AUTRE-CREANCIER\"");
	HAS(v, "\"reason_label\":\"refus du d\\u00E9biteur sans motif");
	HAS(v, "\"amount\":123456");
	cr_assert_eq(webclient_post(&v, &run, "/api/quarantine/dismiss",
	                 "{\"id\":1,\"why\":\"pas à nous\"}", true),
	    403);
	cr_assert_eq(webclient_post(&c, &run, "/api/quarantine/dismiss",
	                 "{\"id\":1}", true),
	    400, "%s", c.body);
	cr_assert_eq(webclient_post(&c, &run, "/api/quarantine/apply",
	                 "{\"id\":1,\"end_to_end\":\"NO-SUCH-E2E\"}", true),
	    409, "%s", c.body);
	cr_assert_eq(webrun_int(&run,
	                 "SELECT count(*) FROM return_quarantine WHERE "
	                 "resolved_on IS NOT NULL"),
	    0);
	cr_assert_eq(webclient_post(&c, &run, "/api/quarantine/dismiss",
	                 "{\"id\":1,\"why\":\"pas à nous\"}", true),
	    200, "%s", c.body);
	cr_assert_eq(webclient_get(&c, &run, "/api/quarantine"), 200);
	HAS(c, "\"records\":[]");
	cr_assert_eq(webclient_get(&c, &run, "/api/quarantine?all=1"), 200);
	HAS(c, "\"resolution\":\"dismissed: pas \\u00E0 nous");
	cr_assert_eq(webrun_int(&run,
	                 "SELECT count(*) FROM events WHERE actor = "
	                 "'alice' AND kind = 'returns.quarantine_dismissed'"),
	    1);
	webclient_free(&c);
	webclient_free(&v);
}
