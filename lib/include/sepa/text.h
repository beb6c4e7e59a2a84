/*
 * text.h - UTF-8 checks, Windows-1252 decoding, and reduction of text to
 * the SEPA Latin character set (a-z A-Z 0-9 / - ? : ( ) . , ' + space)
 * or to ISO-8859-1.
 */
#ifndef SEPA_TEXT_H
#define SEPA_TEXT_H

#include <stddef.h>

#include "sepa/error.h"

/**
 * Check that s[0..len) is well-formed UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF). Returns 0, or SEPA_EINVAL with the byte
 * offset of the first bad sequence in *bad_at (when not NULL) and in the
 * message's column (1-based).
 */
int sepa_utf8_validate(
    const char *s, size_t len, size_t *bad_at, sepa_error *err);

/**
 * Decode Windows-1252 bytes to UTF-8. out must hold 3 * len + 1 bytes;
 * the five undefined bytes (0x81 0x8D 0x8F 0x90 0x9D) are an error
 * (SEPA_EINVAL, byte offset in the message, offset + 1 in the column).
 * A NUL byte decodes to U+0000 like any C0 control. *outlen gets the
 * length written (without the NUL); on error *outlen is 0 and out is "".
 */
int sepa_cp1252_to_utf8(
    char *out, size_t *outlen, const char *in, size_t len, sepa_error *err);

/** Flags for sepa_text_latin. */
enum sepa_text_flags {
	/** Refuse a character with no mapping instead of writing a space. */
	SEPA_TEXT_STRICT = 1 << 0,
	/** Keep line breaks out: map them to a space (always done). */
	SEPA_TEXT_DEFAULT = 0
};

/**
 * Reduce UTF-8 text to the SEPA Latin set: letters with diacritics to
 * their base letter (é->e, Ç->C), ligatures expanded (œ->oe, Æ->AE,
 * ß->ss), Cyrillic and Greek letters spelt in Latin ones (as
 * sepa_text_translit), '&' -> '+', quotes and dashes to ''' and '-', other signs to
 * their nearest allowed sign or a space; runs of spaces folded, leading
 * and trailing spaces removed. Covers Latin-1 and Latin Extended-A at
 * least. The result is cut at max_chars characters (counted after
 * transliteration; 0 = no cut) and written NUL-terminated to out
 * (outsz bytes; SEPA_ELIMIT if it does not fit). *truncated (may be
 * NULL) says whether the cut happened. In strict mode an unmappable
 * character is refused with its position.
 *
 * Details: typographic double quotes (“ ” „ ‟ and '"') become ''', as
 * they hug the quoted word; guillemets (« » ‹ ›) become a space, as
 * French puts spaces inside them, so they vanish when spaces fold. The
 * full table is at the top of text.c. The output is ASCII, so characters
 * are bytes; the cut may fall inside an expansion ("Œ" cut at 1 gives
 * "O"), which is harmless as every piece is SEPA Latin. A space left at
 * the cut is trimmed; *truncated is 1 only when a non-space character was
 * dropped. The whole input is checked, past the cut too: invalid UTF-8
 * is always SEPA_EINVAL with its byte offset (column = offset + 1); in
 * strict mode an unmapped character is SEPA_EINVAL with its 1-based
 * character position (also the column) and U+XXXX in the message;
 * otherwise it becomes a space. Combining marks, the soft hyphen and
 * zero-width characters are dropped. Unknown flags are SEPA_EINVAL. On
 * any error out holds "" (when outsz > 0). Never allocates.
 */
int sepa_text_latin(char *out, size_t outsz, const char *in, size_t max_chars,
    unsigned flags, int *truncated, sepa_error *err);

/**
 * Reduce UTF-8 text to ISO-8859-1, the character set of PES V2 flows
 * (docs/design/pes.md): the printable characters of ISO-8859-1 (U+0021
 * to U+007E and U+00A1 to U+00FF but the soft hyphen) are kept as they
 * are, signs included ('&', '"', '<', '@', '«', '°'...); every other
 * character goes through the table of sepa_text_latin (œ->oe, €->EUR,
 * typographic quotes -> ''', dashes -> '-', letters of Latin
 * Extended-A and -B to their base letter); controls, line breaks and
 * every kind of space (U+00A0 included) become a space, runs of spaces
 * are folded and the ends trimmed, as in sepa_text_latin. The output is
 * ISO-8859-1 bytes, one per character, cut at max_chars characters (0 =
 * no cut); `truncated`, the strict mode (the message then says "has no
 * ISO-8859-1 transliteration"), the errors and the buffer rules are
 * those of sepa_text_latin. Cyrillic and Greek letters are spelt in
 * Latin ones first (as sepa_text_translit); scripts the table does not
 * cover (CJK, Arabic...) are refused in strict mode and become a space
 * otherwise.
 */
int sepa_text_latin1(char *out, size_t outsz, const char *in, size_t max_chars,
    unsigned flags, int *truncated, sepa_error *err);

/**
 * Transliterate the Cyrillic and Greek letters of UTF-8 text to Latin
 * letters, leaving every other character as it is: Cyrillic after ISO 9
 * System B (GOST 7.79-2000 B, ISO 9 without diacritics: Жуков ->
 * Zhukov, Щ -> Shh, Ю -> Yu), without its apostrophes (the hard and soft
 * signs are dropped); Greek after ELOT 743 (Θ -> Th, Χ -> Ch, Ψ -> Ps, ου
 * -> ou, αυ/ευ/ηυ -> av/ev/iv or af/ef/if, γγ -> ng, μπ -> b at the
 * start of a word), accents dropped. A capital spelt with two letters is
 * "Zh" in a name and "ZH" in a word in capitals. Ukrainian, Belarusian,
 * Serbian and Macedonian letters of U+0400..U+045F and U+0490..U+0491 are
 * covered; other letters of the scripts (polytonic Greek, historic
 * Cyrillic) are left as they are.
 *
 * sepa_text_latin does the same before its own table, so that a name in
 * either script passes into a pain.008 in a readable form. Returns 0,
 * SEPA_EINVAL for invalid UTF-8 (byte offset as in sepa_text_latin),
 * SEPA_ELIMIT when out (outsz bytes) is too small; out holds "" on error.
 */
int sepa_text_translit(
    char *out, size_t outsz, const char *in, sepa_error *err);

/** 1 when every byte of s is in the SEPA Latin set. */
int sepa_text_is_latin(const char *s);

#endif /* SEPA_TEXT_H */
