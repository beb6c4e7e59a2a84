/*
 * password.c - argon2id password hashes, random tokens, and reading a
 * password from the terminal or standard input (never the command line).
 */
#include <argon2.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>

#include "sepa/error.h"
#include "password.h"

/*
 * Costs: 3 passes over 64 MiB, one lane: 0.34 s a hash on the
 * development machine (load 4.3), and 64 MiB for each login under way
 * (web.threads bounds them).
 */
#define PW_T_COST 3
#define PW_M_COST (64 * 1024)
#define PW_LANES 1
#define PW_SALT_LEN 16
#define PW_HASH_LEN 32

static int
pw_random(void *buf, size_t n, sepa_error *err)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return sepa_error_set(err, SEPA_EIO,
			    "could not read random bytes: %s", strerror(errno));
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int
password_hash(
    const char *password, char out[PASSWORD_HASH_BUFSZ], sepa_error *err)
{
	unsigned char salt[PW_SALT_LEN];
	size_t len = strlen(password);
	int rc;

	if (len < PASSWORD_MIN_LEN)
		return sepa_error_set(err, SEPA_EINVAL,
		    "the password has %zu characters: at least %d are needed",
		    len, PASSWORD_MIN_LEN);
	if (len > PASSWORD_MAX_LEN)
		return sepa_error_set(err, SEPA_EINVAL,
		    "the password has %zu characters: at most %d are allowed",
		    len, PASSWORD_MAX_LEN);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)password[i] < 0x20 || password[i] == 0x7f)
			return sepa_error_set(err, SEPA_EINVAL,
			    "the password contains a control character");
	if (pw_random(salt, sizeof(salt), err) != 0)
		return SEPA_EIO;
	rc = argon2id_hash_encoded(PW_T_COST, PW_M_COST, PW_LANES, password,
	    len, salt, sizeof(salt), PW_HASH_LEN, out, PASSWORD_HASH_BUFSZ);
	if (rc != ARGON2_OK)
		return sepa_error_set(err, SEPA_EIO,
		    "could not hash the password: %s",
		    argon2_error_message(rc));
	return 0;
}

bool
password_verify(const char *hash, const char *password)
{
	/* "no-such-user-password" under the costs above: spent, never met */
	static const char dummy[] =
	    "$argon2id$v=19$m=65536,t=3,p=1$c2VwYWQtZHVtbXktc2FsdA$"
	    "/vEk4KanK0t/JMsOjj+friUsE4oyfPyjubs7FTJI/MU";
	size_t len = strlen(password);
	bool ok;

	if (len > PASSWORD_MAX_LEN)
		len = PASSWORD_MAX_LEN;
	ok = argon2id_verify(hash != NULL ? hash : dummy, password, len) ==
	    ARGON2_OK;
	return hash != NULL && ok;
}

int
password_token(char out[PASSWORD_TOKEN_BUFSZ], sepa_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[32];

	if (pw_random(b, sizeof(b), err) != 0)
		return SEPA_EIO;
	for (size_t i = 0; i < sizeof(b); i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

bool
password_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = 0;

	if (la != lb)
		return false;
	for (size_t i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* One line of fp into out without its line end; -1 at end of file. */
static int
pw_line(FILE *fp, char *out, size_t size)
{
	size_t n;

	if (fgets(out, (int)size, fp) == NULL)
		return -1;
	n = strcspn(out, "\r\n");
	if (out[n] == '\0' && n == size - 1)
		return -2; /* longer than the buffer */
	out[n] = '\0';
	return 0;
}

/* Ask on the terminal, echo off, restored whatever happens. */
static int
pw_ask(const char *prompt, char *out, size_t size)
{
	struct termios old, quiet;
	int rc;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	rc = pw_line(stdin, out, size);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return rc;
}

int
password_read(char *out, size_t size, sepa_error *err)
{
	char again[PASSWORD_MAX_LEN + 2];
	int rc;

	if (!isatty(STDIN_FILENO)) {
		rc = pw_line(stdin, out, size);
	} else {
		rc = pw_ask("Password: ", out, size);
		if (rc == 0 && pw_ask("Again: ", again, sizeof(again)) != 0)
			rc = -1;
		if (rc == 0 && strcmp(out, again) != 0) {
			explicit_bzero(again, sizeof(again));
			return sepa_error_set(
			    err, SEPA_EINVAL, "the two passwords differ");
		}
		explicit_bzero(again, sizeof(again));
	}
	if (rc == -2)
		return sepa_error_set(err, SEPA_EINVAL,
		    "the password is longer than %d characters",
		    PASSWORD_MAX_LEN);
	if (rc != 0 || out[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "no password given (type it, or give it as the first "
		    "line of standard input)");
	return 0;
}
