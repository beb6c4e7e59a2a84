/*
 * digest.c - SHA-256 in lower-case hex, of a buffer or of a file
 * descriptor read to its end (OpenSSL's EVP interface).
 */
#include <errno.h>
#include <openssl/evp.h>
#include <string.h>

#include "sepa/digest.h"
#include "sepa/io.h"

void
sepa_sha256_hex(char hex[SEPA_SHA256_HEX_BUFSZ], const unsigned char md[32])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

int
sepa_sha256_buf(const void *data, size_t len, char hex[SEPA_SHA256_HEX_BUFSZ],
    sepa_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	hex[0] = '\0';
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return sepa_error_set(
		    err, SEPA_EIO, "could not compute a SHA-256");
	sepa_sha256_hex(hex, md);
	return 0;
}

int
sepa_sha256_fd(int fd, const char *name, char hex[SEPA_SHA256_HEX_BUFSZ],
    int64_t *size, sepa_error *err)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int64_t total = 0;
	ssize_t n;
	int rc = 0;

	hex[0] = '\0';
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		rc = sepa_error_set(err, SEPA_ENOMEM, "could not start a hash");
		goto cleanup;
	}
	while ((n = sepa_read(fd, buf, sizeof(buf))) > 0) {
		total += n;
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
			rc = sepa_error_set(
			    err, SEPA_EIO, "could not hash %s", name);
			goto cleanup;
		}
	}
	if (n < 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not read %s: %s",
		    name, strerror(errno));
		goto cleanup;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		rc = sepa_error_set(err, SEPA_EIO, "could not hash %s", name);
		goto cleanup;
	}
	sepa_sha256_hex(hex, md);
	if (size != NULL)
		*size = total;
cleanup:
	EVP_MD_CTX_free(ctx);
	return rc;
}
