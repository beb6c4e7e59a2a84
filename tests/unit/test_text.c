/*
 * test_text.c - UTF-8 checks, Windows-1252 decoding, SEPA Latin
 * transliteration.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sepa/text.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Encode cp as UTF-8 into out (at least 5 bytes), NUL-terminated. */
static void
enc(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		out[1] = '\0';
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		out[2] = '\0';
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		out[3] = '\0';
	} else {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		out[4] = '\0';
	}
}

/* Transliterate "a" cp "b" into out; returns the rc. */
static int
latin_between(char *out, size_t outsz, uint32_t cp, unsigned flags)
{
	char in[16];

	in[0] = 'a';
	enc(in + 1, cp);
	strcat(in, "b");
	return sepa_text_latin(out, outsz, in, 0, flags, NULL, NULL);
}

/* ------------------------------------------------------------ UTF-8 */

Test(text, utf8_accepts_well_formed_text)
{
	static const struct {
		const char *s;
		size_t len;
	} cases[] = {
	    {"", 0}, {"plain ASCII", 11}, {"\xC3\xA9t\xC3\xA9", 6}, /* été */
	    {"\xE2\x82\xAC", 3}, /* U+20AC */
	    {"\xEF\xBF\xBF", 3}, /* U+FFFF */
	    {"\xED\x9F\xBF", 3}, /* U+D7FF, below surrogates */
	    {"\xEE\x80\x80", 3}, /* U+E000, above surrogates */
	    {"\xF0\x90\x80\x80", 4}, /* U+10000 */
	    {"\xF4\x8F\xBF\xBF", 4}, /* U+10FFFF */
	    {"a\0b", 3}, /* U+0000 is well-formed */
	    {"\xC2\x80\xDF\xBF\xE0\xA0\x80", 7}, /* smallest of each length */
	};
	sepa_error err = SEPA_ERROR_INIT;
	size_t bad_at = 99;

	for (size_t i = 0; i < NELEM(cases); i++)
		cr_expect_eq(
		    sepa_utf8_validate(cases[i].s, cases[i].len, &bad_at, &err),
		    0, "case %zu: %s", i, err.msg);
	cr_expect_eq(bad_at, 99, "bad_at written on success");
}

Test(text, utf8_rejects_bad_sequences_with_offset)
{
	static const struct {
		const char *s;
		size_t at;
		const char *why;
	} cases[] = {
	    {"\xC0\xAF", 0, "overlong encoding"},
	    {"\xC1\xBF", 0, "overlong encoding"},
	    {"ab\xE0\x80\xAF", 2, "overlong encoding"},
	    {"\xE0\x9F\xBF", 0, "overlong encoding"},
	    {"\xF0\x82\x82\xAC", 0, "overlong encoding"},
	    {"\xF0\x8F\xBF\xBF", 0, "overlong encoding"},
	    {"\xED\xA0\x80", 0, "surrogate code point"},
	    {"x\xED\xBF\xBF", 1, "surrogate code point"},
	    {"\xF4\x90\x80\x80", 0, "code point above U+10FFFF"},
	    {"\xF5\x80\x80\x80", 0, "code point above U+10FFFF"},
	    {"\xF7\xBF\xBF\xBF", 0, "code point above U+10FFFF"},
	    {"abc\xC3", 3, "sequence truncated by the end of the text"},
	    {"\xE2\x82", 0, "sequence truncated by the end of the text"},
	    {"\xF0\x9F\x98", 0, "sequence truncated by the end of the text"},
	    {"\xC3(", 0, "sequence cut short"},
	    {"Caf\xE9 au lait", 3, "sequence cut short"},
	    {"\xE2\x82(", 0, "sequence cut short"},
	    {"\x80", 0, "unexpected continuation byte"},
	    {"\xC3\xA9\xA9", 2, "unexpected continuation byte"},
	    {"\xF8\x88\x80\x80\x80", 0, "byte not used in UTF-8"},
	    {"ok\xFE", 2, "byte not used in UTF-8"},
	    {"\xFF", 0, "byte not used in UTF-8"},
	};
	char want[SEPA_ERROR_MSG_MAX];

	for (size_t i = 0; i < NELEM(cases); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		size_t bad_at = 99;

		cr_expect_eq(sepa_utf8_validate(
		                 cases[i].s, strlen(cases[i].s), &bad_at, &err),
		    SEPA_EINVAL, "case %zu", i);
		cr_expect_eq(
		    bad_at, cases[i].at, "case %zu: at %zu", i, bad_at);
		cr_expect_eq(err.column, (long)cases[i].at + 1, "case %zu", i);
		snprintf(want, sizeof(want),
		    "invalid UTF-8 at byte offset %zu: %s", cases[i].at,
		    cases[i].why);
		cr_expect_str_eq(err.msg, want, "case %zu", i);
	}
}

Test(text, utf8_null_bad_at_and_error_are_allowed)
{
	cr_expect_eq(sepa_utf8_validate("\xC3", 1, NULL, NULL), SEPA_EINVAL);
	cr_expect_eq(sepa_utf8_validate(NULL, 0, NULL, NULL), 0);
	cr_expect_eq(sepa_utf8_validate(NULL, 1, NULL, NULL), SEPA_EINVAL);
}

/* ------------------------------------------------------ Windows-1252 */

/* Windows-1252 0x80..0x9F as UTF-8; NULL for the undefined bytes. */
static const char *const cp1252_specials[32] = {
    "€", NULL, "‚", "ƒ", "„", "…", "†", "‡", /* 0x80 */
    "ˆ", "‰", "Š", "‹", "Œ", NULL, "Ž", NULL, /* 0x88 */
    NULL, "‘", "’", "“", "”", "•", "–", "—", /* 0x90 */
    "˜", "™", "š", "›", "œ", NULL, "ž", "Ÿ", /* 0x98 */
};

Test(text, cp1252_decodes_every_byte)
{
	char in[1], out[8], want[8];
	size_t outlen;
	sepa_error err = SEPA_ERROR_INIT;

	for (unsigned b = 0; b < 0x100; b++) {
		in[0] = (char)b;
		if (b >= 0x80 && b <= 0x9F) {
			if (cp1252_specials[b - 0x80] == NULL)
				continue;
			snprintf(want, sizeof(want), "%s",
			    cp1252_specials[b - 0x80]);
		} else {
			enc(want, b); /* ASCII and Latin-1 keep their value */
		}
		cr_assert_eq(sepa_cp1252_to_utf8(out, &outlen, in, 1, &err), 0,
		    "byte 0x%02X: %s", b, err.msg);
		cr_expect_eq(outlen, b == 0 ? 1 : strlen(want), "0x%02X", b);
		cr_expect_eq(memcmp(out, want, outlen), 0, "byte 0x%02X", b);
		cr_expect_eq(out[outlen], '\0');
	}
}

Test(text, cp1252_full_round_is_valid_utf8_and_latin)
{
	char in[256], out[3 * 256 + 1], latin[1024];
	size_t len = 0, outlen = 0, bad_at;
	sepa_error err = SEPA_ERROR_INIT;

	for (unsigned b = 1; b < 0x100; b++) {
		if (b >= 0x80 && b <= 0x9F && cp1252_specials[b - 0x80] == NULL)
			continue;
		in[len++] = (char)b;
	}
	cr_assert_eq(len, 255 - 5);
	cr_assert_eq(
	    sepa_cp1252_to_utf8(out, &outlen, in, len, &err), 0, "%s", err.msg);
	/* 127 ASCII, 96 two-byte Latin-1, 27 specials (all 2 or 3 bytes). */
	cr_expect_eq(strlen(out), outlen);
	cr_expect_eq(
	    sepa_utf8_validate(out, outlen, &bad_at, &err), 0, "%s", err.msg);
	/* Everything Windows-1252 can say has a SEPA Latin equivalent. */
	cr_assert_eq(sepa_text_latin(latin, sizeof(latin), out, 0,
	                 SEPA_TEXT_STRICT, NULL, &err),
	    0, "%s", err.msg);
	cr_expect(sepa_text_is_latin(latin), "%s", latin);
}

Test(text, cp1252_refuses_the_five_undefined_bytes)
{
	static const unsigned char bad[] = {0x81, 0x8D, 0x8F, 0x90, 0x9D};
	char in[8], out[3 * 8 + 1], want[SEPA_ERROR_MSG_MAX];
	size_t outlen = 42;

	for (size_t i = 0; i < NELEM(bad); i++) {
		sepa_error err = SEPA_ERROR_INIT;

		memcpy(in, "Ma\xEFs", 4); /* "Maïs" then the bad byte */
		in[4] = (char)bad[i];
		cr_expect_eq(sepa_cp1252_to_utf8(out, &outlen, in, 5, &err),
		    SEPA_EINVAL);
		snprintf(want, sizeof(want),
		    "undefined Windows-1252 byte 0x%02X at byte offset 4",
		    bad[i]);
		cr_expect_str_eq(err.msg, want);
		cr_expect_eq(err.column, 5);
		cr_expect_eq(outlen, 0);
		cr_expect_str_eq(out, "");
	}
}

Test(text, cp1252_french_sample)
{
	const char *in = "\x8C"
	                 "uvre de Saint-\xC9tienne \x96 \x93"
	                 "cantine\x94 \x80";
	char out[128];
	size_t outlen;

	cr_assert_eq(
	    sepa_cp1252_to_utf8(out, &outlen, in, strlen(in), NULL), 0);
	cr_expect_str_eq(out, "Œuvre de Saint-Étienne – “cantine” €");
	cr_expect_eq(outlen, strlen(out));
}

/* ------------------------------------------------- transliteration */

struct latin_case {
	const char *in;
	const char *out;
};

static void
check_latin_cases(const struct latin_case *cases, size_t n, unsigned flags)
{
	char out[512];
	sepa_error err = SEPA_ERROR_INIT;
	int truncated = -1;

	for (size_t i = 0; i < n; i++) {
		cr_expect_eq(sepa_text_latin(out, sizeof(out), cases[i].in, 0,
		                 flags, &truncated, &err),
		    0, "\"%s\": %s", cases[i].in, err.msg);
		cr_expect_str_eq(out, cases[i].out, "from \"%s\"", cases[i].in);
		cr_expect_eq(truncated, 0);
		cr_expect(sepa_text_is_latin(out), "\"%s\"", out);
	}
}

Test(text, latin_french)
{
	static const struct latin_case cases[] = {
	    {"à â ä ç é è ê ë î ï ô ö ù û ü ÿ œ æ",
	        "a a a c e e e e i i o o u u u y oe ae"},
	    {"À Â Ä Ç É È Ê Ë Î Ï Ô Ö Ù Û Ü Ÿ Œ Æ",
	        "A A A C E E E E I I O O U U U Y OE AE"},
	    {"Françoise L'Hôte-Pérez & Fils", "Francoise L'Hote-Perez + Fils"},
	    {"Œuvre de Saint-Étienne", "OEuvre de Saint-Etienne"},
	    {"Cantine scolaire – février 2026",
	        "Cantine scolaire - fevrier 2026"},
	    {"Garderie périscolaire : 12,50 €",
	        "Garderie periscolaire : 12,50 EUR"},
	    {"L’Haÿ-les-Roses", "L'Hay-les-Roses"},
	    {"Cœur d’Alène", "Coeur d'Alene"},
	    {"n° 12 bis, rue de l’Église", "no 12 bis, rue de l'Eglise"},
	    {"E\xCC\x81lise Ge\xCC\x81rard", "Elise Gerard"}, /* decomposed */
	    {"\xEF\xBB\xBF"
	     "Dupont",
	        "Dupont"}, /* BOM */
	};

	check_latin_cases(cases, NELEM(cases), SEPA_TEXT_STRICT);
}

Test(text, latin_european_letters)
{
	static const struct latin_case cases[] = {
	    /* German */
	    {"Jürgen Müller-Straße, Köln", "Jurgen Muller-Strasse, Koln"},
	    {"GROẞE ÄÖÜ", "GROSSE AOU"},
	    /* Polish */
	    {"Łódź, Wałęsa, Żółć, Ściśle, Ńą",
	        "Lodz, Walesa, Zolc, Scisle, Na"},
	    /* Czech and Slovak */
	    {"Dvořák, Šťastný, Čapek, Úžasný, Ďurček, Ľubica, Ňom, Ŕ",
	        "Dvorak, Stastny, Capek, Uzasny, Durcek, Lubica, Nom, R"},
	    /* Romanian, comma below and cedilla forms */
	    {"Ștefan Țiriac, Brașov, Timișoara, Râmnicu Vâlcea, Ăla",
	        "Stefan Tiriac, Brasov, Timisoara, Ramnicu Valcea, Ala"},
	    {"Ştefan Ţiriac ş ţ", "Stefan Tiriac s t"},
	    {"ǎ Ǎ ǐ ǒ ǔ ǆ Ǆ ǉ ǌ", "a A i o u dz DZ lj nj"},
	    /* Scandinavian and Icelandic */
	    {"Søren Kierkegård, Ærø, Smørrebrød, Åsa, ØRESUND",
	        "Soren Kierkegard, AEro, Smorrebrod, Asa, ORESUND"},
	    {"Þórr Guðrún ÐÓR þ ð", "THorr Gudrun DOR th d"},
	    /* Hungarian, Turkish, Dutch, Croatian, Baltic, Maltese */
	    {"Erdős Győző Ű", "Erdos Gyozo U"},
	    {"Işık İstanbul Ğ ğ", "Isik Istanbul G g"},
	    {"ĳsselmeer Ĳssel", "ijsselmeer IJssel"},
	    {"Đorđević đ", "Dordevic d"},
	    {"Ķēniņš Ģirts Ļ Ų ų Ė", "Kenins Girts L U u E"},
	    {"Ħaġar Ċ ż", "Hagar C z"},
	    /* Spanish, Portuguese, Catalan */
	    {"Muñoz João Gonçalves l·l", "Munoz Joao Goncalves l.l"},
	    /* Vietnamese */
	    {"Nguyễn Thị Phương Trần Đức", "Nguyen Thi Phuong Tran Duc"},
	    /* Welsh */
	    {"Ŵ ẁ ẃ ẅ Ỳ", "W w w w Y"},
	};

	check_latin_cases(cases, NELEM(cases), SEPA_TEXT_STRICT);
}

Test(text, latin_punctuation_and_signs)
{
	static const struct latin_case cases[] = {
	    {"‘a’ ‚b‛", "'a' 'b'"},
	    {"“Le Nid” „x“ ‟y”", "'Le Nid' 'x' 'y'"},
	    {"crèche « Les Petits » ‹a›", "creche Les Petits a"},
	    {"2019–2020 — a‐b‑c ‒ ― −1", "2019-2020 - a-b-c - - -1"},
	    {"Attendez…", "Attendez..."},
	    {"a\u00A0b\u202Fc\u2009d\u2002e\u3000f\u2007g", "a b c d e f g"},
	    {"Total : 12 € ; 12€", "Total : 12 EUR , 12EUR"},
	    {"Dupont & Fils", "Dupont + Fils"},
	    {"a_b\"c;d@e*f#g%h<i>j=k[l]m{n}o|p\\q~r^s$t!u`v",
	        "a-b'c,d e f g h(i)j k(l)m(n)o/p/q-r s t.u'v"},
	    {"ligne 1\r\nligne 2\tfin\x01\x7F", "ligne 1 ligne 2 fin"},
	    {"Jean\u00ADPierre Jean\u200BMarc", "JeanPierre JeanMarc"},
	    {"ﬁﬂ ﬀ ﬃ ﬄ ﬅ ﬆ", "fifl ff ffi ffl st st"},
	    {"™ ‰ № © ®", "TM 0/00 No (C) (R)"},
	    {"½ ¼ ¾ ² ³ ¹ ±", "1/2 1/4 3/4 2 3 1 +-"},
	    {"¿Qué? ¡Olé! x·y", "?Que? Ole. x.y"},
	    {"ʼ ʹ ′ ″", "' ' ' '"},
	    {"a\u2028b\u2029c", "a b c"},
	    {"   a    b   ", "a b"},
	    {" \t\n ", ""},
	    {"", ""},
	};

	check_latin_cases(cases, NELEM(cases), SEPA_TEXT_STRICT);
}

/* Every single mapping above U+024F, seen between two letters. */
Test(text, latin_every_high_entry)
{
	static const struct {
		uint32_t cp;
		const char *mid; /* what appears between "a" and "b" */
	} cases[] = {
	    {0x02B9, "'"},
	    {0x02BB, "'"},
	    {0x02BC, "'"},
	    {0x02C6, " "},
	    {0x02C7, " "},
	    {0x02D8, " "},
	    {0x02D9, " "},
	    {0x02DA, " "},
	    {0x02DB, " "},
	    {0x02DC, " "},
	    {0x02DD, " "},
	    {0x1E9E, "SS"},
	    {0x200B, ""},
	    {0x200C, ""},
	    {0x200D, ""},
	    {0x200E, ""},
	    {0x200F, ""},
	    {0x2010, "-"},
	    {0x2011, "-"},
	    {0x2012, "-"},
	    {0x2013, "-"},
	    {0x2014, "-"},
	    {0x2015, "-"},
	    {0x2018, "'"},
	    {0x2019, "'"},
	    {0x201A, "'"},
	    {0x201B, "'"},
	    {0x201C, "'"},
	    {0x201D, "'"},
	    {0x201E, "'"},
	    {0x201F, "'"},
	    {0x2020, " "},
	    {0x2021, " "},
	    {0x2022, " "},
	    {0x2024, "."},
	    {0x2025, ".."},
	    {0x2026, "..."},
	    {0x2027, "-"},
	    {0x2028, " "},
	    {0x2029, " "},
	    {0x202F, " "},
	    {0x2030, "0/00"},
	    {0x2032, "'"},
	    {0x2033, "'"},
	    {0x2039, " "},
	    {0x203A, " "},
	    {0x2044, "/"},
	    {0x205F, " "},
	    {0x2060, ""},
	    {0x20AC, "EUR"},
	    {0x2116, "No"},
	    {0x2122, "TM"},
	    {0x2212, "-"},
	    {0x2215, "/"},
	    {0x3000, " "},
	    {0xFB00, "ff"},
	    {0xFB01, "fi"},
	    {0xFB02, "fl"},
	    {0xFB03, "ffi"},
	    {0xFB04, "ffl"},
	    {0xFB05, "st"},
	    {0xFB06, "st"},
	    {0xFEFF, ""},
	    /* ranges handled in code */
	    {0x0300, ""},
	    {0x0301, ""},
	    {0x036F, ""},
	    {0x2000, " "},
	    {0x2009, " "},
	    {0x200A, " "},
	    {0x1E00, "A"},
	    {0x1E9B, "s"},
	    {0x1EA0, "A"},
	    {0x1EF9, "y"},
	};
	char out[32], want[32];
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(NELEM(cases), 63 + 10);
	for (size_t i = 0; i < NELEM(cases); i++) {
		cr_expect_eq(latin_between(out, sizeof(out), cases[i].cp,
		                 SEPA_TEXT_STRICT),
		    0, "U+%04X", (unsigned)cases[i].cp);
		snprintf(want, sizeof(want), "a%sb", cases[i].mid);
		cr_expect_str_eq(out, want, "U+%04X", (unsigned)cases[i].cp);
	}
	(void)err;
}

/* Every code point of Latin-1 maps to SEPA Latin, letters to letters. */
Test(text, latin_every_latin1_code_point)
{
	char out[32];

	for (uint32_t cp = 0x80; cp <= 0xFF; cp++) {
		size_t len;

		cr_assert_eq(
		    latin_between(out, sizeof(out), cp, SEPA_TEXT_STRICT), 0,
		    "U+%04X", (unsigned)cp);
		cr_expect(
		    sepa_text_is_latin(out), "U+%04X: %s", (unsigned)cp, out);
		len = strlen(out);
		cr_assert(len >= 2 && out[0] == 'a' && out[len - 1] == 'b');
		if (cp < 0xA0)
			cr_expect_str_eq(out, "a b", "control U+%04X", cp);
		if (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7) {
			/* a letter: one or two letters, no sign, no space */
			cr_expect(len == 3 || len == 4, "U+%04X: %s",
			    (unsigned)cp, out);
			for (size_t k = 1; k + 1 < len; k++)
				cr_expect(isalpha((unsigned char)out[k]),
				    "U+%04X: %s", (unsigned)cp, out);
		}
	}
}

/* Every letter of Latin Extended-A and of the two dense Latin Extended
 * Additional blocks maps to letters only (ŉ keeps its apostrophe). */
Test(text, latin_every_extended_letter)
{
	static const struct {
		uint32_t first, last;
	} blocks[] = {{0x0100, 0x017F}, {0x1E00, 0x1E9B}, {0x1EA0, 0x1EF9}};
	char out[32];

	for (size_t b = 0; b < NELEM(blocks); b++) {
		for (uint32_t cp = blocks[b].first; cp <= blocks[b].last;
		     cp++) {
			size_t len;

			cr_assert_eq(latin_between(out, sizeof(out), cp,
			                 SEPA_TEXT_STRICT),
			    0, "U+%04X", (unsigned)cp);
			len = strlen(out);
			cr_expect(len == 3 || len == 4, "U+%04X: %s",
			    (unsigned)cp, out);
			if (cp == 0x0149) {
				cr_expect_str_eq(out, "a'nb");
				continue;
			}
			for (size_t k = 1; k + 1 < len; k++)
				cr_expect(isalpha((unsigned char)out[k]),
				    "U+%04X: %s", (unsigned)cp, out);
		}
	}
}

/* Case is kept: in Latin Extended-A, capitals give capitals. */
Test(text, latin_extended_a_keeps_case)
{
	static const uint32_t capitals[] = {0x0100, 0x0106, 0x0110, 0x0118,
	    0x0130, 0x0132, 0x0141, 0x0152, 0x0160, 0x0178, 0x017D};
	static const uint32_t smalls[] = {0x0101, 0x0107, 0x0111, 0x0119,
	    0x0131, 0x0133, 0x0142, 0x0153, 0x0161, 0x017E, 0x017F};
	char out[32];

	for (size_t i = 0; i < NELEM(capitals); i++) {
		cr_assert_eq(
		    latin_between(out, sizeof(out), capitals[i], 0), 0);
		cr_expect(isupper((unsigned char)out[1]), "%s", out);
		cr_assert_eq(latin_between(out, sizeof(out), smalls[i], 0), 0);
		cr_expect(islower((unsigned char)out[1]), "%s", out);
	}
}

/* Whatever the code point, the non-strict result is SEPA Latin; in strict
 * mode it is that or a refusal. */
Test(text, latin_every_code_point_is_safe)
{
	char out[32];
	sepa_error err = SEPA_ERROR_INIT;
	size_t mapped = 0;

	for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
		int rc;

		if (cp == 0xD800)
			cp = 0xE000;
		cr_assert_eq(latin_between(out, sizeof(out), cp, 0), 0, "%X",
		    (unsigned)cp);
		cr_assert(sepa_text_is_latin(out), "U+%04X", (unsigned)cp);
		rc = latin_between(out, sizeof(out), cp, SEPA_TEXT_STRICT);
		if (rc == 0) {
			cr_assert(sepa_text_is_latin(out));
			mapped++;
		} else {
			cr_assert_eq(rc, SEPA_EINVAL);
		}
	}
	(void)err;
	/* ASCII, Latin-1, Extended-A, the chosen Extended-B and others */
	cr_expect_gt(mapped, 127 + 128 + 128 + 100);
}

/* Random bytes never crash, and are refused exactly when not UTF-8. */
Test(text, latin_random_bytes)
{
	char in[64], out[256];
	uint32_t seed = 12345;

	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % 40), bad_at;
		int rc, valid;

		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			in[k] = (char)((seed >> 16) % 255 + 1); /* no NUL */
		}
		in[len] = '\0';
		valid = sepa_utf8_validate(in, len, &bad_at, NULL) == 0;
		rc = sepa_text_latin(out, sizeof(out), in, 0, 0, NULL, NULL);
		cr_assert_eq(rc == 0, valid, "round %d", round);
		cr_assert(sepa_text_is_latin(out));
	}
}

Test(text, latin_truncates_after_expansion)
{
	char in[512], out[512], want[512];
	int truncated = -1;
	sepa_error err = SEPA_ERROR_INIT;
	size_t n;

	/* 69 letters then œ: the cut at 70 keeps "o" of "oe". */
	memset(in, 'a', 69);
	strcpy(in + 69, "œ");
	cr_assert_eq(
	    sepa_text_latin(out, sizeof(out), in, 70, 0, &truncated, &err), 0);
	cr_expect_eq(strlen(out), 70);
	cr_expect_eq(out[69], 'o');
	cr_expect_eq(truncated, 1);

	/* 35 œ make exactly 70 characters: no cut; 36 are cut. */
	in[0] = '\0';
	for (int k = 0; k < 35; k++)
		strcat(in, "œ");
	cr_assert_eq(
	    sepa_text_latin(out, sizeof(out), in, 70, 0, &truncated, &err), 0);
	cr_expect_eq(strlen(out), 70);
	cr_expect_eq(truncated, 0);
	cr_expect_eq(strncmp(out, "oeoe", 4), 0);
	strcat(in, "œ");
	cr_assert_eq(
	    sepa_text_latin(out, sizeof(out), in, 70, 0, &truncated, &err), 0);
	cr_expect_eq(strlen(out), 70);
	cr_expect_eq(truncated, 1);

	/* 140: three names, the cut after the expansions; a cut on a space
	 * leaves no trailing space. */
	in[0] = want[0] = '\0';
	for (int k = 0; k < 3; k++) {
		strcat(in,
		    "Françoise L'Hôte-Pérez & Fils, Œuvre de Saint-Étienne ");
		strcat(want,
		    "Francoise L'Hote-Perez + Fils, OEuvre de Saint-Etienne ");
	}
	want[140] = '\0';
	for (n = 140; n > 0 && want[n - 1] == ' '; n--)
		want[n - 1] = '\0';
	cr_assert_eq(
	    sepa_text_latin(out, sizeof(out), in, 140, 0, &truncated, &err), 0);
	cr_expect_str_eq(out, want);
	cr_expect_leq(strlen(out), 140);
	cr_expect_eq(truncated, 1);
}

Test(text, latin_truncation_edges)
{
	static const struct {
		const char *in;
		size_t max;
		const char *out;
		int truncated;
	} cases[] = {
	    {"abc def", 4, "abc", 1}, /* would end with a space */
	    {"abc def", 3, "abc", 1}, {"abc def", 5, "abc d", 1},
	    {"abc def", 7, "abc def", 0},
	    {"abc   ", 3, "abc", 0}, /* only spaces dropped */
	    {"  abc", 3, "abc", 0}, /* leading spaces do not count */
	    {"a    b", 3, "a b", 0}, /* folded before counting */
	    {"Œ", 1, "O", 1}, /* "OE" cut in the middle */
	    {"x…", 3, "x..", 1}, {"abc", 0, "abc", 0}, /* 0: no cut */
	};
	char out[64];
	int truncated;

	for (size_t i = 0; i < NELEM(cases); i++) {
		truncated = -1;
		cr_expect_eq(sepa_text_latin(out, sizeof(out), cases[i].in,
		                 cases[i].max, 0, &truncated, NULL),
		    0, "case %zu", i);
		cr_expect_str_eq(out, cases[i].out, "case %zu", i);
		cr_expect_eq(truncated, cases[i].truncated, "case %zu", i);
	}
	/* truncated may be NULL */
	cr_expect_eq(
	    sepa_text_latin(out, sizeof(out), "abcdef", 2, 0, NULL, NULL), 0);
	cr_expect_str_eq(out, "ab");
}

Test(text, latin_strict_refuses_unmapped_characters)
{
	static const struct {
		const char *in;
		const char *msg;
		long column;
	} cases[] = {
	    {"Արամ", "character 1 (U+0531) has no SEPA Latin transliteration",
	        1},
	    {"Paul 李",
	        "character 6 (U+674E) has no SEPA Latin transliteration", 6},
	    {"café ☕", "character 6 (U+2615) has no SEPA Latin transliteration",
	        6},
	    {"ok 😀", "character 4 (U+1F600) has no SEPA Latin transliteration",
	        4},
	    {"ἀmega", "character 1 (U+1F00) has no SEPA Latin transliteration",
	        1},
	    /* a Greek pair counts as its two letters */
	    {"ουκ 李", "character 5 (U+674E) has no SEPA Latin transliteration",
	        5},
	    {"ééé\xD7\x90", /* Hebrew alef after 3 two-byte letters */
	        "character 4 (U+05D0) has no SEPA Latin transliteration", 4},
	};
	char out[64];

	for (size_t i = 0; i < NELEM(cases); i++) {
		sepa_error err = SEPA_ERROR_INIT;

		strcpy(out, "junk");
		cr_expect_eq(sepa_text_latin(out, sizeof(out), cases[i].in, 0,
		                 SEPA_TEXT_STRICT, NULL, &err),
		    SEPA_EINVAL, "case %zu", i);
		cr_expect_str_eq(err.msg, cases[i].msg, "case %zu", i);
		cr_expect_eq(err.column, cases[i].column, "case %zu", i);
		cr_expect_str_eq(out, "", "case %zu", i);
	}
}

Test(text, latin_lenient_writes_a_space_for_unmapped)
{
	static const struct latin_case cases[] = {
	    {"Արամ Petrov", "Petrov"},
	    {"a😀b", "a b"},
	    {"Paul 李 Chen", "Paul Chen"},
	    {"ἀ", ""},
	};

	check_latin_cases(cases, NELEM(cases), SEPA_TEXT_DEFAULT);
}

Test(text, latin_refuses_bad_utf8_in_both_modes)
{
	static const struct {
		const char *in;
		const char *msg;
	} cases[] = {
	    {"Caf\xC3",
	        "invalid UTF-8 at byte offset 3: sequence truncated by the end "
	        "of the text"},
	    {"Caf\xE9", /* Latin-1 text passed as UTF-8 */
	        "invalid UTF-8 at byte offset 3: sequence truncated by the end "
	        "of the text"},
	    {"\xC0\xA0x", "invalid UTF-8 at byte offset 0: overlong encoding"},
	    {"ab\xED\xA0\x80",
	        "invalid UTF-8 at byte offset 2: surrogate "
	        "code point"},
	    {"\xF4\x90\x80\x80",
	        "invalid UTF-8 at byte offset 0: code point "
	        "above U+10FFFF"},
	};
	static const unsigned modes[] = {SEPA_TEXT_DEFAULT, SEPA_TEXT_STRICT};
	char out[64];

	for (size_t m = 0; m < NELEM(modes); m++) {
		for (size_t i = 0; i < NELEM(cases); i++) {
			sepa_error err = SEPA_ERROR_INIT;

			cr_expect_eq(sepa_text_latin(out, sizeof(out),
			                 cases[i].in, 0, modes[m], NULL, &err),
			    SEPA_EINVAL, "case %zu", i);
			cr_expect_str_eq(err.msg, cases[i].msg, "case %zu", i);
			cr_expect_str_eq(out, "");
		}
	}
}

Test(text, latin_checks_input_past_the_cut)
{
	sepa_error err = SEPA_ERROR_INIT;
	char out[64];

	cr_expect_eq(
	    sepa_text_latin(out, sizeof(out), "abcdef\xC3", 3, 0, NULL, &err),
	    SEPA_EINVAL);
	cr_expect_eq(err.column, 7);
	cr_expect_eq(sepa_text_latin(out, sizeof(out), "abcdef 李", 3,
	                 SEPA_TEXT_STRICT, NULL, &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(
	    err.msg, "character 8 (U+674E) has no SEPA Latin transliteration");
}

Test(text, latin_small_buffer_is_a_limit)
{
	static const struct {
		const char *in;
		size_t outsz;
		int rc;
	} cases[] = {
	    {"abcd", 4, SEPA_ELIMIT},
	    {"abcd", 5, 0},
	    {"œ", 2, SEPA_ELIMIT},
	    {"œ", 3, 0},
	    {"abc   ", 4, 0},
	    {"  ", 1, 0},
	    {"x", 1, SEPA_ELIMIT},
	    {"€", 3, SEPA_ELIMIT},
	};
	char out[16], want[SEPA_ERROR_MSG_MAX];

	for (size_t i = 0; i < NELEM(cases); i++) {
		sepa_error err = SEPA_ERROR_INIT;

		cr_expect_eq(sepa_text_latin(out, cases[i].outsz, cases[i].in,
		                 0, 0, NULL, &err),
		    cases[i].rc, "case %zu", i);
		if (cases[i].rc == 0)
			continue;
		snprintf(want, sizeof(want),
		    "transliterated text does not fit in %zu bytes",
		    cases[i].outsz);
		cr_expect_str_eq(err.msg, want, "case %zu", i);
		cr_expect_str_eq(out, "", "case %zu", i);
	}
}

Test(text, latin_bad_arguments)
{
	sepa_error err = SEPA_ERROR_INIT;
	char out[8];

	cr_expect_eq(
	    sepa_text_latin(out, 0, "a", 0, 0, NULL, &err), SEPA_ELIMIT);
	cr_expect_str_eq(err.msg, "no room for the transliterated text");
	cr_expect_eq(
	    sepa_text_latin(NULL, 8, "a", 0, 0, NULL, &err), SEPA_ELIMIT);
	cr_expect_eq(sepa_text_latin(out, sizeof(out), NULL, 0, 0, NULL, &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(err.msg, "no text to transliterate");
	cr_expect_eq(
	    sepa_text_latin(out, sizeof(out), "a", 0, 0x10, NULL, &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(err.msg, "unknown transliteration flags 0x10");
}

Test(text, is_latin)
{
	static const struct {
		const char *s;
		int latin;
	} cases[] = {
	    {"", 1},
	    {"Abc xyz 0189 /-?:().,'+", 1},
	    {"a&b", 0},
	    {"a_b", 0},
	    {"line\n", 0},
	    {"caf\xC3\xA9", 0},
	    {"50%", 0},
	    {"\"q\"", 0},
	};

	for (size_t i = 0; i < NELEM(cases); i++)
		cr_expect_eq(sepa_text_is_latin(cases[i].s), cases[i].latin,
		    "\"%s\"", cases[i].s);
	cr_expect_eq(sepa_text_is_latin(NULL), 0);
}

Test(text, cp1252_bad_arguments)
{
	sepa_error err = SEPA_ERROR_INIT;
	char out[8];
	size_t outlen = 42;

	cr_expect_eq(
	    sepa_cp1252_to_utf8(NULL, &outlen, "a", 1, &err), SEPA_EINVAL);
	cr_expect_str_eq(err.msg, "no buffer to decode Windows-1252 into");
	cr_expect_eq(outlen, 0);
	cr_expect_eq(
	    sepa_cp1252_to_utf8(out, &outlen, NULL, 1, &err), SEPA_EINVAL);
	cr_expect_str_eq(err.msg, "no Windows-1252 text to decode");
	cr_expect_eq(sepa_cp1252_to_utf8(out, NULL, NULL, 0, &err), 0);
	cr_expect_str_eq(out, "");
}

/* --------------------------------------------- Cyrillic and Greek */

/* Names in either script, as sepa_text_translit and the Latin reduction
 * spell them (ISO 9 System B, ELOT 743). */
static const struct latin_case translit_cases[] = {
    {"Лев Толстой", "Lev Tolstoj"}, {"Жуков", "Zhukov"}, {"ЖУКОВ", "ZHUKOV"},
    {"Ж. Петров", "Zh. Petrov"}, {"Щукин", "Shhukin"},
    {"Юрий Гагарин", "Yurij Gagarin"}, {"Игорь Объедков", "Igor Obedkov"},
    {"Ёлкина Чехова", "Yolkina Chexova"}, {"Хабаров Цой", "Xabarov Coj"},
    {"Їжак Ґалаґан Євген", "Yizhak Galagan Yevgen"},
    {"Ђоковић Љубљана Џон", "Djokovic Ljubljana Dhon"}, {"Αθήνα", "Athina"},
    {"ΑΘΗΝΑ", "ATHINA"}, {"Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos"},
    {"Ευάγγελος", "Evangelos"}, {"Ευθύμιος", "Efthymios"}, {"Ζεύς", "Zefs"},
    {"Μπάμπης", "Bampis"}, {"Χρήστος Ψαράς", "Christos Psaras"},
    {"Ξάνθη Σγξ", "Xanthi Snx"}, {"αϋπνία", "aypnia"},
    {"ΟΥ Ου ΠΟΥΛΟΣ", "OU Ou POULOS"},
    {"Marie-Ἀ", "Marie-Ἀ"}, /* polytonic Greek: left as it is */
};

Test(text, translit_cyrillic_and_greek_names)
{
	char out[128];

	for (size_t i = 0; i < NELEM(translit_cases); i++) {
		sepa_error err = SEPA_ERROR_INIT;

		cr_expect_eq(sepa_text_translit(
		                 out, sizeof(out), translit_cases[i].in, &err),
		    0, "%s: %s", translit_cases[i].in, err.msg);
		cr_expect_str_eq(out, translit_cases[i].out);
	}
}

Test(text, translit_leaves_other_text_alone)
{
	static const char *const same[] = {"", "Zoé Lefèvre-Dupré",
	    "Paul 李 Chen", "a😀b", "rue de l'Église, n° 3"};
	char out[128];

	for (size_t i = 0; i < NELEM(same); i++) {
		cr_expect_eq(
		    sepa_text_translit(out, sizeof(out), same[i], NULL), 0);
		cr_expect_str_eq(out, same[i]);
	}
}

Test(text, translit_errors)
{
	sepa_error err = SEPA_ERROR_INIT;
	char out[7];

	cr_expect_eq(
	    sepa_text_translit(out, sizeof(out), "ab\xC3", &err), SEPA_EINVAL);
	cr_expect_eq(err.column, 3);
	cr_expect_str_eq(out, "");
	/* "Shhukin" needs 8 bytes (Щ grows from 2 bytes to 3), out 7 */
	cr_expect_eq(
	    sepa_text_translit(out, sizeof(out), "Щукин", &err), SEPA_ELIMIT);
	cr_expect_str_eq(out, "");
	cr_expect_eq(sepa_text_translit(out, sizeof(out), "Щуки", &err), 0);
	cr_expect_str_eq(out, "Shhuki");
	cr_expect_eq(
	    sepa_text_translit(out, sizeof(out), NULL, &err), SEPA_EINVAL);
	cr_expect_eq(sepa_text_translit(out, 0, "a", &err), SEPA_ELIMIT);
}

/* The reduction to SEPA Latin spells them the same way, strict or not. */
Test(text, latin_spells_cyrillic_and_greek)
{
	check_latin_cases(
	    translit_cases, NELEM(translit_cases) - 1, SEPA_TEXT_STRICT);
	check_latin_cases(
	    translit_cases, NELEM(translit_cases) - 1, SEPA_TEXT_DEFAULT);
}

/* Every letter of U+0400..U+045F, U+0490..U+0491 and of the Greek block
 * (U+0386..U+03CE) maps to letters only, or to nothing (the hard and soft
 * signs). */
Test(text, latin_every_cyrillic_and_greek_letter)
{
	char out[32];

	for (uint32_t cp = 0x0386; cp <= 0x0491; cp++) {
		size_t len;

		if ((cp > 0x03CE && cp < 0x0400) ||
		    (cp > 0x045F && cp < 0x0490) || cp == 0x0387 ||
		    cp == 0x038B || cp == 0x038D || cp == 0x03A2)
			continue;
		cr_assert_eq(
		    latin_between(out, sizeof(out), cp, SEPA_TEXT_STRICT), 0,
		    "U+%04X", (unsigned)cp);
		len = strlen(out);
		if (cp == 0x042A || cp == 0x042C || cp == 0x044A ||
		    cp == 0x044C) {
			cr_expect_str_eq(out, "ab", "U+%04X", (unsigned)cp);
			continue;
		}
		cr_expect(
		    len >= 3 && len <= 5, "U+%04X: %s", (unsigned)cp, out);
		for (size_t k = 1; k + 1 < len; k++)
			cr_expect(isalpha((unsigned char)out[k]), "U+%04X: %s",
			    (unsigned)cp, out);
	}
}

/* ------------------------------------------------------- ISO-8859-1 */

/* 1 when every byte of s is a printable ISO-8859-1 character or space. */
static int
is_latin1_text(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || (*p >= 0x7F && *p <= 0xA0) || *p == 0xAD)
			return 0;
	return 1;
}

Test(text, latin1_keeps_latin1_and_reduces_the_rest)
{
	/* Outputs are ISO-8859-1 bytes: \xE9 is é, \xC9 É, \xE7 ç... */
	static const struct latin_case cases[] = {
	    {"Élodie Lefèvre", "\xC9lodie Lef\xE8vre"},
	    {"François L'Hôte-Pérez & Fils",
	        "Fran\xE7ois L'H\xF4te-P\xE9rez & Fils"},
	    {"Cœur d’Alène", "Coeur d'Al\xE8ne"}, {"ŒUVRE", "OEUVRE"},
	    {"12,50 € « net »", "12,50 EUR \xAB net \xBB"},
	    {"n° 12 bis <rue> \"x\" a@b #1 50%",
	        "n\xB0 12 bis <rue> \"x\" a@b #1 50%"},
	    {"L’Haÿ-les-Roses", "L'Ha\xFF-les-Roses"},
	    {"Śliwiński Dvořák", "Sliwinski Dvor\xE1k"},
	    {"Cantine – février\u00a02026", "Cantine - f\xE9vrier 2026"},
	    {"a\xC2\xAD"
	     "b",
	        "ab"}, /* soft hyphen dropped */
	    {"  tab\there\nline  ", "tab here line"},
	    {"E\xCC\x81lise", "Elise"}, /* decomposed: the mark is dropped */
	    {"Ÿ ÿ", "Y \xFF"}, /* U+0178 is not in ISO-8859-1 */
	};
	char out[256];
	sepa_error err = SEPA_ERROR_INIT;
	int truncated = -1;

	for (size_t i = 0; i < NELEM(cases); i++) {
		cr_expect_eq(sepa_text_latin1(out, sizeof(out), cases[i].in, 0,
		                 SEPA_TEXT_STRICT, &truncated, &err),
		    0, "\"%s\": %s", cases[i].in, err.msg);
		cr_expect_str_eq(out, cases[i].out, "case %zu", i);
		cr_expect_eq(truncated, 0);
		cr_expect(is_latin1_text(out), "case %zu", i);
	}
}

Test(text, latin1_cuts_characters_after_reduction)
{
	char out[64];
	int truncated = 0;

	/* é is one byte in ISO-8859-1: 5 characters are 5 bytes. */
	cr_expect_eq(sepa_text_latin1(
	                 out, sizeof(out), "ééééééé", 5, 0, &truncated, NULL),
	    0);
	cr_expect_str_eq(out, "\xE9\xE9\xE9\xE9\xE9");
	cr_expect_eq(truncated, 1);
	/* œ grows to two characters before the cut. */
	cr_expect_eq(
	    sepa_text_latin1(out, sizeof(out), "bœuf", 3, 0, &truncated, NULL),
	    0);
	cr_expect_str_eq(out, "boe");
	cr_expect_eq(truncated, 1);
}

/* Cyrillic and Greek are spelt in Latin letters (as sepa_text_translit);
 * another script is refused in strict mode, a space otherwise. */
Test(text, latin1_spells_cyrillic_and_refuses_other_scripts)
{
	sepa_error err = SEPA_ERROR_INIT;
	char out[64];

	cr_expect_eq(sepa_text_latin1(out, sizeof(out), "Иван Petrov", 0,
	                 SEPA_TEXT_STRICT, NULL, &err),
	    0);
	cr_expect_str_eq(out, "Ivan Petrov");
	cr_expect_eq(sepa_text_latin1(out, sizeof(out), "Ζωή Lefèvre", 0,
	                 SEPA_TEXT_STRICT, NULL, &err),
	    0);
	cr_expect_str_eq(out, "Zoi Lef\xE8vre");
	cr_expect_eq(sepa_text_latin1(out, sizeof(out), "李 Petrov", 0,
	                 SEPA_TEXT_STRICT, NULL, &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(
	    err.msg, "character 1 (U+674E) has no ISO-8859-1 transliteration");
	cr_expect_eq(err.column, 1);
	cr_expect_str_eq(out, "");
	cr_expect_eq(sepa_text_latin1(out, sizeof(out), "李 Petrov", 0,
	                 SEPA_TEXT_DEFAULT, NULL, &err),
	    0);
	cr_expect_str_eq(out, "Petrov");
	cr_expect_eq(sepa_text_latin1(out, sizeof(out), "Caf\xE9", 0,
	                 SEPA_TEXT_DEFAULT, NULL, &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(err.msg,
	    "invalid UTF-8 at byte offset 3: sequence truncated by the end of "
	    "the text");
}

/* Whatever the code point, the lenient result is printable ISO-8859-1,
 * and a character of ISO-8859-1 comes out as its own byte. */
Test(text, latin1_every_code_point_is_safe)
{
	char in[16], out[32];

	for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
		if (cp == 0xD800)
			cp = 0xE000;
		in[0] = 'a';
		enc(in + 1, cp);
		strcat(in, "b");
		cr_assert_eq(
		    sepa_text_latin1(out, sizeof(out), in, 0, 0, NULL, NULL), 0,
		    "U+%04X", (unsigned)cp);
		cr_assert(is_latin1_text(out), "U+%04X", (unsigned)cp);
		if ((cp > 0x20 && cp < 0x7F) ||
		    (cp > 0xA0 && cp <= 0xFF && cp != 0xAD)) {
			cr_assert_eq(
			    (unsigned char)out[1], cp, "U+%04X", (unsigned)cp);
			cr_assert_eq(strlen(out), 3);
		}
	}
}
