/*
 * test_digest.c - SHA-256 in hex, of a buffer and of a descriptor, on the
 * FIPS 180-2 examples.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/digest.h"

#define ABC_SHA256 \
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

Test(digest, buffer)
{
	char hex[SEPA_SHA256_HEX_BUFSZ];
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_sha256_buf("abc", 3, hex, &err), 0);
	cr_assert_str_eq(hex, ABC_SHA256);
	cr_assert_eq(sepa_sha256_buf("", 0, hex, &err), 0);
	cr_assert_str_eq(hex, EMPTY_SHA256);
}

/* A file larger than one read, from where the descriptor stands. */
Test(digest, descriptor_read_to_its_end)
{
	char path[] = "/tmp/sepa-digest-XXXXXX", hex[SEPA_SHA256_HEX_BUFSZ];
	char other[SEPA_SHA256_HEX_BUFSZ];
	sepa_error err = SEPA_ERROR_INIT;
	size_t len = 200000;
	char *data = malloc(len);
	int64_t size = -1;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_not_null(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (char)('a' + i % 26);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	cr_assert_eq(
	    sepa_sha256_fd(fd, path, hex, &size, &err), 0, "%s", err.msg);
	cr_assert_eq(size, (int64_t)len);
	cr_assert_eq(sepa_sha256_buf(data, len, other, &err), 0);
	cr_assert_str_eq(hex, other);
	cr_assert_eq(lseek(fd, (off_t)len - 3, SEEK_SET), (off_t)len - 3);
	cr_assert_eq(sepa_sha256_fd(fd, path, hex, NULL, &err), 0);
	cr_assert_eq(sepa_sha256_buf(data + len - 3, 3, other, &err), 0);
	cr_assert_str_eq(hex, other);
	close(fd);
	unlink(path);
	free(data);
}

Test(digest, unreadable_descriptor_is_named)
{
	char hex[SEPA_SHA256_HEX_BUFSZ];
	sepa_error err = SEPA_ERROR_INIT;
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY);

	cr_assert_geq(fd, 0);
	cr_assert_eq(sepa_sha256_fd(fd, "/tmp", hex, NULL, &err), SEPA_EIO);
	cr_assert(
	    strstr(err.msg, "could not read /tmp") != NULL, "%s", err.msg);
	cr_assert_str_eq(hex, "");
	close(fd);
}
