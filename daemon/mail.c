/*
 * mail.c - e-mail through the SMTP relay of the [mail] settings, with
 * libcurl: STARTTLS, login, one text part and one PDF attached, and the
 * rate limit. Every libcurl call of sepad is here.
 */
#include <curl/curl.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "mail.h"

struct mail {
	CURL *curl;
	char *url, *from, *from_header, *user, *password;
	bool tls;
	double interval; /* seconds between two messages */
	double last; /* when the last one was sent, 0: none yet */
};

static double
mail_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "=?UTF-8?B?...?=" for a header's text that is not plain ASCII. */
static char *
mail_header_text(const char *s)
{
	const unsigned char *p;
	char *out;
	size_t n = strlen(s);

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p >= 0x80 || *p < 0x20)
			break;
	if (*p == '\0')
		return xstrdup(s);
	out = xmalloc(12 + 4 * (n / 3 + 1) + 1);
	memcpy(out, "=?UTF-8?B?", 10);
	n = (size_t)EVP_EncodeBlock(
	    (unsigned char *)out + 10, (const unsigned char *)s, (int)n);
	memcpy(out + 10 + n, "?=", 3);
	return out;
}

/* The first line of the password file. */
static int
mail_password(struct mail *m, const char *path, sepa_error *err)
{
	char line[512];
	FILE *fp;

	if (path[0] == '\0')
		return 0;
	if ((fp = fopen(path, "r")) == NULL)
		return sepa_error_set(err, SEPA_EIO,
		    "could not read mail.password_file %s: %s", path,
		    strerror(errno));
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	m->password = xstrdup(line);
	explicit_bzero(line, sizeof(line));
	return 0;
}

int
mail_open(struct mail **out, const struct sepad_config *cfg, sepa_error *err)
{
	struct mail *m;
	char *name;
	int rc;

	*out = NULL;
	if (cfg->mail_host[0] == '\0' || cfg->mail_from[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "keys \"mail.host\" and \"mail.from\" must be set to send "
		    "e-mail (%s)",
		    cfg->path);
	if (strpbrk(cfg->mail_from, "\r\n<>") != NULL ||
	    strchr(cfg->mail_from, '@') == NULL)
		return sepa_error_set(err, SEPA_EINVAL,
		    "key \"mail.from\": \"%s\" is not an e-mail address",
		    cfg->mail_from);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return sepa_error_set(err, SEPA_EIO, "could not start libcurl");
	m = xmalloc(sizeof(*m));
	memset(m, 0, sizeof(*m));
	xasprintf(&m->url, "smtp://%s:%d", cfg->mail_host, cfg->mail_port);
	xasprintf(&m->from, "<%s>", cfg->mail_from);
	name = mail_header_text(cfg->cred_name);
	xasprintf(&m->from_header, "From: %s <%s>", name, cfg->mail_from);
	free(name);
	m->user = xstrdup(cfg->mail_user);
	m->tls = cfg->mail_starttls;
	m->interval = 60.0 / cfg->mail_per_minute;
	if ((rc = mail_password(m, cfg->mail_password_file, err)) != 0 ||
	    (m->curl = curl_easy_init()) == NULL) {
		if (rc == 0)
			rc = sepa_error_set(
			    err, SEPA_EIO, "could not start libcurl");
		mail_close(m);
		return rc;
	}
	*out = m;
	return 0;
}

void
mail_close(struct mail *m)
{
	if (m == NULL)
		return;
	if (m->curl != NULL)
		curl_easy_cleanup(m->curl);
	if (m->password != NULL) {
		explicit_bzero(m->password, strlen(m->password));
		free(m->password);
	}
	free(m->url);
	free(m->from);
	free(m->from_header);
	free(m->user);
	free(m);
}

/* The headers of msg (caller frees the list). */
static struct curl_slist *
mail_headers(struct mail *m, const struct mail_msg *msg)
{
	struct curl_slist *h = NULL;
	char *line, *subject, date[64];
	time_t now = time(NULL);
	struct tm tm;

	h = curl_slist_append(h, m->from_header);
	xasprintf(&line, "To: <%s>", msg->to);
	h = curl_slist_append(h, line);
	free(line);
	subject = mail_header_text(msg->subject);
	xasprintf(&line, "Subject: %s", subject);
	h = curl_slist_append(h, line);
	free(line);
	free(subject);
	xasprintf(&line, "Message-ID: %s", msg->message_id);
	h = curl_slist_append(h, line);
	free(line);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "Date: %a, %d %b %Y %H:%M:%S +0000", &tm);
	h = curl_slist_append(h, date);
	return curl_slist_append(h, "MIME-Version: 1.0");
}

/* Wait until mail.per_minute lets the next message go. */
static void
mail_pace(struct mail *m)
{
	double wait = m->last + m->interval - mail_now();

	if (m->last > 0 && wait > 0) {
		struct timespec ts = {
		    (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};

		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	m->last = mail_now();
}

int
mail_send(
    struct mail *m, const struct mail_msg *msg, bool *unsent, sepa_error *err)
{
	struct curl_slist *rcpt = NULL, *hdr;
	curl_mime *mime;
	curl_mimepart *part;
	char *to, errbuf[CURL_ERROR_SIZE] = "";
	CURLcode cc;

	*unsent = true;
	if (strpbrk(msg->to, "\r\n<> ") != NULL)
		return sepa_error_set(err, SEPA_EINVAL,
		    "\"%s\" is not an e-mail address", msg->to);
	mail_pace(m);
	xasprintf(&to, "<%s>", msg->to);
	rcpt = curl_slist_append(rcpt, to);
	free(to);
	hdr = mail_headers(m, msg);
	mime = curl_mime_init(m->curl);
	part = curl_mime_addpart(mime);
	curl_mime_data(part, msg->text, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=UTF-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(mime);
	curl_mime_data(part, msg->pdf, msg->pdf_len);
	curl_mime_type(part, "application/pdf");
	curl_mime_filename(part, msg->pdf_name);
	curl_mime_encoder(part, "base64");
	curl_easy_reset(m->curl);
	curl_easy_setopt(m->curl, CURLOPT_URL, m->url);
	curl_easy_setopt(m->curl, CURLOPT_USE_SSL,
	    (long)(m->tls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
	if (m->user[0] != '\0') {
		curl_easy_setopt(m->curl, CURLOPT_USERNAME, m->user);
		curl_easy_setopt(m->curl, CURLOPT_PASSWORD,
		    m->password != NULL ? m->password : "");
	}
	curl_easy_setopt(m->curl, CURLOPT_MAIL_FROM, m->from);
	curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(m->curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(m->curl, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(m->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(m->curl, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(m->curl, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(m->curl, CURLOPT_NOSIGNAL, 1L);
	cc = curl_easy_perform(m->curl);
	curl_mime_free(mime);
	curl_slist_free_all(hdr);
	curl_slist_free_all(rcpt);
	if (cc == CURLE_OK)
		return 0;
	/* Before anything was handed to the relay? */
	*unsent = cc == CURLE_COULDNT_RESOLVE_HOST ||
	    cc == CURLE_COULDNT_CONNECT || cc == CURLE_LOGIN_DENIED ||
	    cc == CURLE_USE_SSL_FAILED || cc == CURLE_SSL_CONNECT_ERROR;
	return sepa_error_set(err, SEPA_EIO, "%s",
	    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
}
