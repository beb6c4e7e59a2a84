/*
 * text.c - strict UTF-8 checks, Windows-1252 decoding and the reduction of
 * text to the SEPA Latin character set, or to ISO-8859-1 (PES V2 flows:
 * the same table for what ISO-8859-1 lacks), Cyrillic and Greek letters
 * transliterated to Latin ones first.
 *
 * The transliteration is driven by tables over code points:
 *   - text_low[]: U+0000..U+024F (ASCII signs, Latin-1 Supplement, Latin
 *     Extended-A, the common Latin Extended-B letters), indexed directly;
 *   - text_high[]: sorted single code points above U+024F (modifier
 *     letters, punctuation, currency and letter-like signs, ligatures),
 *     searched by bisection;
 *   - text_runs[]: dense blocks where each code point maps to one base
 *     letter (Latin Extended Additional, Vietnamese included).
 * A mapping is a NUL-terminated string of SEPA Latin characters; the empty
 * string drops the character (combining marks, soft hyphen, zero-width
 * characters); " " turns it into a space, folded later. A code point with
 * no mapping is refused in strict mode and becomes a space otherwise.
 *
 * Choices (docs/sepa.md, Character set):
 *   - letters lose their diacritics (e-acute -> e, A-umlaut -> A, as in the
 *     EPC conversion table), ligatures and special letters expand
 *     (oe, AE, ss, th, ij);
 *   - single quotes, apostrophes and the typographic double quotes
 *     (U+201C..U+201F and '"') become ''', because they hug the quoted word;
 *     guillemets (U+00AB U+00BB U+2039 U+203A) become a space, because
 *     French typography already puts spaces inside them, so they vanish
 *     when spaces are folded;
 *   - '&' -> '+', '_' and '~' -> '-', ';' -> ',', '!' -> '.',
 *     '<' '[' '{' -> '(', '>' ']' '}' -> ')', '\' and '|' -> '/',
 *     '`' -> ''', and '#' '$' '%' '*' '=' '@' '^' -> space;
 *   - control characters, line breaks and every kind of space -> space;
 *   - Cyrillic and Greek letters are spelt in Latin letters (ISO 9
 *     System B and ELOT 743, see text_cyrillic and text_greek), so that a
 *     name in either script keeps a readable form.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sepa/text.h"

/* The mappings of U+0000..U+024F; NULL means "no mapping". */
static const char *const text_low[0x250] = {
    /* ASCII signs outside the SEPA Latin set (letters, digits and the
     * allowed signs are copied as they are; controls are spaces). */
    ['!'] = ".",
    ['"'] = "'",
    ['#'] = " ",
    ['$'] = " ",
    ['%'] = " ",
    ['&'] = "+",
    ['*'] = " ",
    [';'] = ",",
    ['<'] = "(",
    ['='] = " ",
    ['>'] = ")",
    ['@'] = " ",
    ['['] = "(",
    ['\\'] = "/",
    [']'] = ")",
    ['^'] = " ",
    ['_'] = "-",
    ['`'] = "'",
    ['{'] = "(",
    ['|'] = "/",
    ['}'] = ")",
    ['~'] = "-",

    /* Latin-1 Supplement (U+0080..U+009F are controls, handled in code). */
    [0x00A0] = " ", /* no-break space */
    [0x00A1] = " ", /* inverted exclamation mark */
    [0x00A2] = "c", /* cent sign */
    [0x00A3] = "GBP", /* pound sign */
    [0x00A4] = " ", /* currency sign */
    [0x00A5] = "JPY", /* yen sign */
    [0x00A6] = "/", /* broken bar */
    [0x00A7] = " ", /* section sign */
    [0x00A8] = " ", /* diaeresis */
    [0x00A9] = "(C)", /* copyright sign */
    [0x00AA] = "a", /* feminine ordinal indicator */
    [0x00AB] = " ", /* left guillemet */
    [0x00AC] = "-", /* not sign */
    [0x00AD] = "", /* soft hyphen */
    [0x00AE] = "(R)", /* registered sign */
    [0x00AF] = " ", /* macron */
    [0x00B0] = "o", /* degree sign, as in "n°" */
    [0x00B1] = "+-", /* plus-minus sign */
    [0x00B2] = "2", /* superscript two */
    [0x00B3] = "3", /* superscript three */
    [0x00B4] = "'", /* acute accent */
    [0x00B5] = "u", /* micro sign */
    [0x00B6] = " ", /* pilcrow */
    [0x00B7] = ".", /* middle dot */
    [0x00B8] = " ", /* cedilla */
    [0x00B9] = "1", /* superscript one */
    [0x00BA] = "o", /* masculine ordinal indicator */
    [0x00BB] = " ", /* right guillemet */
    [0x00BC] = "1/4", /* vulgar fraction one quarter */
    [0x00BD] = "1/2", /* vulgar fraction one half */
    [0x00BE] = "3/4", /* vulgar fraction three quarters */
    [0x00BF] = "?", /* inverted question mark */
    [0x00C0] = "A", /* À */
    [0x00C1] = "A", /* Á */
    [0x00C2] = "A", /* Â */
    [0x00C3] = "A", /* Ã */
    [0x00C4] = "A", /* Ä */
    [0x00C5] = "A", /* Å */
    [0x00C6] = "AE", /* Æ */
    [0x00C7] = "C", /* Ç */
    [0x00C8] = "E", /* È */
    [0x00C9] = "E", /* É */
    [0x00CA] = "E", /* Ê */
    [0x00CB] = "E", /* Ë */
    [0x00CC] = "I", /* Ì */
    [0x00CD] = "I", /* Í */
    [0x00CE] = "I", /* Î */
    [0x00CF] = "I", /* Ï */
    [0x00D0] = "D", /* Ð */
    [0x00D1] = "N", /* Ñ */
    [0x00D2] = "O", /* Ò */
    [0x00D3] = "O", /* Ó */
    [0x00D4] = "O", /* Ô */
    [0x00D5] = "O", /* Õ */
    [0x00D6] = "O", /* Ö */
    [0x00D7] = "x", /* multiplication sign */
    [0x00D8] = "O", /* Ø */
    [0x00D9] = "U", /* Ù */
    [0x00DA] = "U", /* Ú */
    [0x00DB] = "U", /* Û */
    [0x00DC] = "U", /* Ü */
    [0x00DD] = "Y", /* Ý */
    [0x00DE] = "TH", /* Þ */
    [0x00DF] = "ss", /* ß */
    [0x00E0] = "a", /* à */
    [0x00E1] = "a", /* á */
    [0x00E2] = "a", /* â */
    [0x00E3] = "a", /* ã */
    [0x00E4] = "a", /* ä */
    [0x00E5] = "a", /* å */
    [0x00E6] = "ae", /* æ */
    [0x00E7] = "c", /* ç */
    [0x00E8] = "e", /* è */
    [0x00E9] = "e", /* é */
    [0x00EA] = "e", /* ê */
    [0x00EB] = "e", /* ë */
    [0x00EC] = "i", /* ì */
    [0x00ED] = "i", /* í */
    [0x00EE] = "i", /* î */
    [0x00EF] = "i", /* ï */
    [0x00F0] = "d", /* ð */
    [0x00F1] = "n", /* ñ */
    [0x00F2] = "o", /* ò */
    [0x00F3] = "o", /* ó */
    [0x00F4] = "o", /* ô */
    [0x00F5] = "o", /* õ */
    [0x00F6] = "o", /* ö */
    [0x00F7] = ":", /* division sign */
    [0x00F8] = "o", /* ø */
    [0x00F9] = "u", /* ù */
    [0x00FA] = "u", /* ú */
    [0x00FB] = "u", /* û */
    [0x00FC] = "u", /* ü */
    [0x00FD] = "y", /* ý */
    [0x00FE] = "th", /* þ */
    [0x00FF] = "y", /* ÿ */

    /* Latin Extended-A, complete. */
    [0x0100] = "A", /* Ā */
    [0x0101] = "a", /* ā */
    [0x0102] = "A", /* Ă */
    [0x0103] = "a", /* ă */
    [0x0104] = "A", /* Ą */
    [0x0105] = "a", /* ą */
    [0x0106] = "C", /* Ć */
    [0x0107] = "c", /* ć */
    [0x0108] = "C", /* Ĉ */
    [0x0109] = "c", /* ĉ */
    [0x010A] = "C", /* Ċ */
    [0x010B] = "c", /* ċ */
    [0x010C] = "C", /* Č */
    [0x010D] = "c", /* č */
    [0x010E] = "D", /* Ď */
    [0x010F] = "d", /* ď */
    [0x0110] = "D", /* Đ */
    [0x0111] = "d", /* đ */
    [0x0112] = "E", /* Ē */
    [0x0113] = "e", /* ē */
    [0x0114] = "E", /* Ĕ */
    [0x0115] = "e", /* ĕ */
    [0x0116] = "E", /* Ė */
    [0x0117] = "e", /* ė */
    [0x0118] = "E", /* Ę */
    [0x0119] = "e", /* ę */
    [0x011A] = "E", /* Ě */
    [0x011B] = "e", /* ě */
    [0x011C] = "G", /* Ĝ */
    [0x011D] = "g", /* ĝ */
    [0x011E] = "G", /* Ğ */
    [0x011F] = "g", /* ğ */
    [0x0120] = "G", /* Ġ */
    [0x0121] = "g", /* ġ */
    [0x0122] = "G", /* Ģ */
    [0x0123] = "g", /* ģ */
    [0x0124] = "H", /* Ĥ */
    [0x0125] = "h", /* ĥ */
    [0x0126] = "H", /* Ħ */
    [0x0127] = "h", /* ħ */
    [0x0128] = "I", /* Ĩ */
    [0x0129] = "i", /* ĩ */
    [0x012A] = "I", /* Ī */
    [0x012B] = "i", /* ī */
    [0x012C] = "I", /* Ĭ */
    [0x012D] = "i", /* ĭ */
    [0x012E] = "I", /* Į */
    [0x012F] = "i", /* į */
    [0x0130] = "I", /* İ */
    [0x0131] = "i", /* ı */
    [0x0132] = "IJ", /* Ĳ */
    [0x0133] = "ij", /* ĳ */
    [0x0134] = "J", /* Ĵ */
    [0x0135] = "j", /* ĵ */
    [0x0136] = "K", /* Ķ */
    [0x0137] = "k", /* ķ */
    [0x0138] = "k", /* ĸ */
    [0x0139] = "L", /* Ĺ */
    [0x013A] = "l", /* ĺ */
    [0x013B] = "L", /* Ļ */
    [0x013C] = "l", /* ļ */
    [0x013D] = "L", /* Ľ */
    [0x013E] = "l", /* ľ */
    [0x013F] = "L", /* Ŀ */
    [0x0140] = "l", /* ŀ */
    [0x0141] = "L", /* Ł */
    [0x0142] = "l", /* ł */
    [0x0143] = "N", /* Ń */
    [0x0144] = "n", /* ń */
    [0x0145] = "N", /* Ņ */
    [0x0146] = "n", /* ņ */
    [0x0147] = "N", /* Ň */
    [0x0148] = "n", /* ň */
    [0x0149] = "'n", /* ŉ */
    [0x014A] = "N", /* Ŋ */
    [0x014B] = "n", /* ŋ */
    [0x014C] = "O", /* Ō */
    [0x014D] = "o", /* ō */
    [0x014E] = "O", /* Ŏ */
    [0x014F] = "o", /* ŏ */
    [0x0150] = "O", /* Ő */
    [0x0151] = "o", /* ő */
    [0x0152] = "OE", /* Œ */
    [0x0153] = "oe", /* œ */
    [0x0154] = "R", /* Ŕ */
    [0x0155] = "r", /* ŕ */
    [0x0156] = "R", /* Ŗ */
    [0x0157] = "r", /* ŗ */
    [0x0158] = "R", /* Ř */
    [0x0159] = "r", /* ř */
    [0x015A] = "S", /* Ś */
    [0x015B] = "s", /* ś */
    [0x015C] = "S", /* Ŝ */
    [0x015D] = "s", /* ŝ */
    [0x015E] = "S", /* Ş */
    [0x015F] = "s", /* ş */
    [0x0160] = "S", /* Š */
    [0x0161] = "s", /* š */
    [0x0162] = "T", /* Ţ */
    [0x0163] = "t", /* ţ */
    [0x0164] = "T", /* Ť */
    [0x0165] = "t", /* ť */
    [0x0166] = "T", /* Ŧ */
    [0x0167] = "t", /* ŧ */
    [0x0168] = "U", /* Ũ */
    [0x0169] = "u", /* ũ */
    [0x016A] = "U", /* Ū */
    [0x016B] = "u", /* ū */
    [0x016C] = "U", /* Ŭ */
    [0x016D] = "u", /* ŭ */
    [0x016E] = "U", /* Ů */
    [0x016F] = "u", /* ů */
    [0x0170] = "U", /* Ű */
    [0x0171] = "u", /* ű */
    [0x0172] = "U", /* Ų */
    [0x0173] = "u", /* ų */
    [0x0174] = "W", /* Ŵ */
    [0x0175] = "w", /* ŵ */
    [0x0176] = "Y", /* Ŷ */
    [0x0177] = "y", /* ŷ */
    [0x0178] = "Y", /* Ÿ */
    [0x0179] = "Z", /* Ź */
    [0x017A] = "z", /* ź */
    [0x017B] = "Z", /* Ż */
    [0x017C] = "z", /* ż */
    [0x017D] = "Z", /* Ž */
    [0x017E] = "z", /* ž */
    [0x017F] = "s", /* ſ (long s) */

    /* Latin Extended-B: the letters met in European names. */
    [0x0180] = "b", /* ƀ */
    [0x0181] = "B", /* Ɓ */
    [0x0187] = "C", /* Ƈ */
    [0x0188] = "c", /* ƈ */
    [0x0189] = "D", /* Ɖ */
    [0x018A] = "D", /* Ɗ */
    [0x018F] = "A", /* Ə (schwa, Azerbaijani) */
    [0x0191] = "F", /* Ƒ */
    [0x0192] = "f", /* ƒ */
    [0x0193] = "G", /* Ɠ */
    [0x0197] = "I", /* Ɨ */
    [0x0198] = "K", /* Ƙ */
    [0x0199] = "k", /* ƙ */
    [0x019A] = "l", /* ƚ */
    [0x019D] = "N", /* Ɲ */
    [0x019E] = "n", /* ƞ */
    [0x019F] = "O", /* Ɵ */
    [0x01A0] = "O", /* Ơ */
    [0x01A1] = "o", /* ơ */
    [0x01AF] = "U", /* Ư */
    [0x01B0] = "u", /* ư */
    [0x01B3] = "Y", /* Ƴ */
    [0x01B4] = "y", /* ƴ */
    [0x01B5] = "Z", /* Ƶ */
    [0x01B6] = "z", /* ƶ */
    [0x01C4] = "DZ", /* Ǆ */
    [0x01C5] = "Dz", /* ǅ */
    [0x01C6] = "dz", /* ǆ */
    [0x01C7] = "LJ", /* Ǉ */
    [0x01C8] = "Lj", /* ǈ */
    [0x01C9] = "lj", /* ǉ */
    [0x01CA] = "NJ", /* Ǌ */
    [0x01CB] = "Nj", /* ǋ */
    [0x01CC] = "nj", /* ǌ */
    [0x01CD] = "A", /* Ǎ */
    [0x01CE] = "a", /* ǎ */
    [0x01CF] = "I", /* Ǐ */
    [0x01D0] = "i", /* ǐ */
    [0x01D1] = "O", /* Ǒ */
    [0x01D2] = "o", /* ǒ */
    [0x01D3] = "U", /* Ǔ */
    [0x01D4] = "u", /* ǔ */
    [0x01D5] = "U", /* Ǖ */
    [0x01D6] = "u", /* ǖ */
    [0x01D7] = "U", /* Ǘ */
    [0x01D8] = "u", /* ǘ */
    [0x01D9] = "U", /* Ǚ */
    [0x01DA] = "u", /* ǚ */
    [0x01DB] = "U", /* Ǜ */
    [0x01DC] = "u", /* ǜ */
    [0x01DD] = "e", /* ǝ */
    [0x01DE] = "A", /* Ǟ */
    [0x01DF] = "a", /* ǟ */
    [0x01E2] = "AE", /* Ǣ */
    [0x01E3] = "ae", /* ǣ */
    [0x01E4] = "G", /* Ǥ */
    [0x01E5] = "g", /* ǥ */
    [0x01E6] = "G", /* Ǧ */
    [0x01E7] = "g", /* ǧ */
    [0x01E8] = "K", /* Ǩ */
    [0x01E9] = "k", /* ǩ */
    [0x01EA] = "O", /* Ǫ */
    [0x01EB] = "o", /* ǫ */
    [0x01F0] = "j", /* ǰ */
    [0x01F1] = "DZ", /* Ǳ */
    [0x01F2] = "Dz", /* ǲ */
    [0x01F3] = "dz", /* ǳ */
    [0x01F4] = "G", /* Ǵ */
    [0x01F5] = "g", /* ǵ */
    [0x01F8] = "N", /* Ǹ */
    [0x01F9] = "n", /* ǹ */
    [0x01FA] = "A", /* Ǻ */
    [0x01FB] = "a", /* ǻ */
    [0x01FC] = "AE", /* Ǽ */
    [0x01FD] = "ae", /* ǽ */
    [0x01FE] = "O", /* Ǿ */
    [0x01FF] = "o", /* ǿ */
    [0x0200] = "A", /* Ȁ */
    [0x0201] = "a", /* ȁ */
    [0x0202] = "A", /* Ȃ */
    [0x0203] = "a", /* ȃ */
    [0x0204] = "E", /* Ȅ */
    [0x0205] = "e", /* ȅ */
    [0x0206] = "E", /* Ȇ */
    [0x0207] = "e", /* ȇ */
    [0x0208] = "I", /* Ȉ */
    [0x0209] = "i", /* ȉ */
    [0x020A] = "I", /* Ȋ */
    [0x020B] = "i", /* ȋ */
    [0x020C] = "O", /* Ȍ */
    [0x020D] = "o", /* ȍ */
    [0x020E] = "O", /* Ȏ */
    [0x020F] = "o", /* ȏ */
    [0x0210] = "R", /* Ȑ */
    [0x0211] = "r", /* ȑ */
    [0x0212] = "R", /* Ȓ */
    [0x0213] = "r", /* ȓ */
    [0x0214] = "U", /* Ȕ */
    [0x0215] = "u", /* ȕ */
    [0x0216] = "U", /* Ȗ */
    [0x0217] = "u", /* ȗ */
    [0x0218] = "S", /* Ș (Romanian) */
    [0x0219] = "s", /* ș */
    [0x021A] = "T", /* Ț (Romanian) */
    [0x021B] = "t", /* ț */
    [0x021E] = "H", /* Ȟ */
    [0x021F] = "h", /* ȟ */
    [0x0226] = "A", /* Ȧ */
    [0x0227] = "a", /* ȧ */
    [0x0228] = "E", /* Ȩ */
    [0x0229] = "e", /* ȩ */
    [0x022A] = "O", /* Ȫ */
    [0x022B] = "o", /* ȫ */
    [0x022C] = "O", /* Ȭ */
    [0x022D] = "o", /* ȭ */
    [0x022E] = "O", /* Ȯ */
    [0x022F] = "o", /* ȯ */
    [0x0230] = "O", /* Ȱ */
    [0x0231] = "o", /* ȱ */
    [0x0232] = "Y", /* Ȳ */
    [0x0233] = "y", /* ȳ */
};

/* A single code point above U+024F and its mapping. */
struct text_map {
	uint32_t cp;
	const char *to;
};

/* Sorted by code point: text_lookup bisects it (every entry is tested). */
static const struct text_map text_high[] = {
    {0x02B9, "'"}, /* modifier letter prime */
    {0x02BB, "'"}, /* modifier letter turned comma (okina) */
    {0x02BC, "'"}, /* modifier letter apostrophe */
    {0x02C6, " "}, /* modifier letter circumflex */
    {0x02C7, " "}, /* caron */
    {0x02D8, " "}, /* breve */
    {0x02D9, " "}, /* dot above */
    {0x02DA, " "}, /* ring above */
    {0x02DB, " "}, /* ogonek */
    {0x02DC, " "}, /* small tilde */
    {0x02DD, " "}, /* double acute accent */
    {0x1E9E, "SS"}, /* capital sharp s */
    {0x200B, ""}, /* zero width space */
    {0x200C, ""}, /* zero width non-joiner */
    {0x200D, ""}, /* zero width joiner */
    {0x200E, ""}, /* left-to-right mark */
    {0x200F, ""}, /* right-to-left mark */
    {0x2010, "-"}, /* hyphen */
    {0x2011, "-"}, /* non-breaking hyphen */
    {0x2012, "-"}, /* figure dash */
    {0x2013, "-"}, /* en dash */
    {0x2014, "-"}, /* em dash */
    {0x2015, "-"}, /* horizontal bar */
    {0x2018, "'"}, /* left single quotation mark */
    {0x2019, "'"}, /* right single quotation mark */
    {0x201A, "'"}, /* single low-9 quotation mark */
    {0x201B, "'"}, /* single high-reversed-9 quotation mark */
    {0x201C, "'"}, /* left double quotation mark */
    {0x201D, "'"}, /* right double quotation mark */
    {0x201E, "'"}, /* double low-9 quotation mark */
    {0x201F, "'"}, /* double high-reversed-9 quotation mark */
    {0x2020, " "}, /* dagger */
    {0x2021, " "}, /* double dagger */
    {0x2022, " "}, /* bullet */
    {0x2024, "."}, /* one dot leader */
    {0x2025, ".."}, /* two dot leader */
    {0x2026, "..."}, /* horizontal ellipsis */
    {0x2027, "-"}, /* hyphenation point */
    {0x2028, " "}, /* line separator */
    {0x2029, " "}, /* paragraph separator */
    {0x202F, " "}, /* narrow no-break space */
    {0x2030, "0/00"}, /* per mille sign */
    {0x2032, "'"}, /* prime */
    {0x2033, "'"}, /* double prime */
    {0x2039, " "}, /* single left-pointing angle quotation mark */
    {0x203A, " "}, /* single right-pointing angle quotation mark */
    {0x2044, "/"}, /* fraction slash */
    {0x205F, " "}, /* medium mathematical space */
    {0x2060, ""}, /* word joiner */
    {0x20AC, "EUR"}, /* euro sign */
    {0x2116, "No"}, /* numero sign */
    {0x2122, "TM"}, /* trade mark sign */
    {0x2212, "-"}, /* minus sign */
    {0x2215, "/"}, /* division slash */
    {0x3000, " "}, /* ideographic space */
    {0xFB00, "ff"}, /* ligature ff */
    {0xFB01, "fi"}, /* ligature fi */
    {0xFB02, "fl"}, /* ligature fl */
    {0xFB03, "ffi"}, /* ligature ffi */
    {0xFB04, "ffl"}, /* ligature ffl */
    {0xFB05, "st"}, /* ligature long s t */
    {0xFB06, "st"}, /* ligature st */
    {0xFEFF, ""}, /* zero width no-break space, byte order mark */
};

/*
 * A dense block where each code point maps to one base letter, given in
 * `letters` (one character per code point, from `first` on).
 */
struct text_run {
	uint32_t first;
	const char *letters;
};

static const struct text_run text_runs[] = {
    /* U+1E00..U+1E9B, Latin Extended Additional (Welsh, Vietnamese...). */
    {0x1E00,
        "AaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLl"
        "LlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUu"
        "UuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwyas"},
    /* U+1EA0..U+1EF9, Vietnamese letters with two diacritics. */
    {0x1EA0,
        "AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOo"
        "OoOoOoOoUuUuUuUuUuUuUuYyYyYyYy"},
};

/* The output being built by sepa_text_latin. */
struct text_out {
	char *buf;
	size_t size; /* bytes in buf */
	size_t n; /* characters written */
	size_t max; /* cut after this many characters, 0 = no cut */
	int space; /* a space is due before the next character */
	int cut; /* the cut happened: drop the rest */
};

static size_t text_utf8_decode(
    const unsigned char *s, size_t len, uint32_t *cp, const char **why);
static int text_utf8_error(sepa_error *err, size_t at, const char *why);
static const char *text_lookup(uint32_t cp, int latin1, char one[2]);
static int text_put(struct text_out *o, const char *s);
static size_t text_utf8_encode(char *out, uint32_t cp);

/* Windows-1252 0x80..0x9F; 0 marks the five undefined bytes. */
static const uint16_t text_cp1252_hi[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 0x80 */
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0, /* 0x88 */
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 0x90 */
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178, /* 0x98 */
};

/*
 * Decode one UTF-8 sequence at s (len > 0 bytes available). Returns its
 * length and the code point in *cp, or 0 with the reason in *why.
 */
static size_t
text_utf8_decode(
    const unsigned char *s, size_t len, uint32_t *cp, const char **why)
{
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	uint32_t c;
	size_t need, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xC0) {
		*why = "unexpected continuation byte";
		return 0;
	} else if (s[0] < 0xE0) {
		need = 2;
		c = s[0] & 0x1F;
	} else if (s[0] < 0xF0) {
		need = 3;
		c = s[0] & 0x0F;
	} else if (s[0] < 0xF8) {
		need = 4;
		c = s[0] & 0x07;
	} else {
		*why = "byte not used in UTF-8";
		return 0;
	}
	for (i = 1; i < need; i++) {
		if (i >= len) {
			*why = "sequence truncated by the end of the text";
			return 0;
		}
		if ((s[i] & 0xC0) != 0x80) {
			*why = "sequence cut short";
			return 0;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min[need]) {
		*why = "overlong encoding";
		return 0;
	}
	if (c >= 0xD800 && c <= 0xDFFF) {
		*why = "surrogate code point";
		return 0;
	}
	if (c > 0x10FFFF) {
		*why = "code point above U+10FFFF";
		return 0;
	}
	*cp = c;
	return need;
}

static int
text_utf8_error(sepa_error *err, size_t at, const char *why)
{
	int rc;

	rc = sepa_error_set(
	    err, SEPA_EINVAL, "invalid UTF-8 at byte offset %zu: %s", at, why);
	if (err != NULL)
		err->column = (long)at + 1;
	return rc;
}

int
sepa_utf8_validate(const char *s, size_t len, size_t *bad_at, sepa_error *err)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *why = NULL;
	uint32_t cp;
	size_t i = 0, n;

	if (s == NULL && len > 0)
		return sepa_error_set(err, SEPA_EINVAL, "no text to check");
	while (i < len) {
		n = text_utf8_decode(p + i, len - i, &cp, &why);
		if (n == 0) {
			if (bad_at != NULL)
				*bad_at = i;
			return text_utf8_error(err, i, why);
		}
		i += n;
	}
	return 0;
}

/* Write cp as UTF-8 to out; returns the number of bytes (cp < 0x10000). */
static size_t
text_utf8_encode(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

int
sepa_cp1252_to_utf8(
    char *out, size_t *outlen, const char *in, size_t len, sepa_error *err)
{
	const unsigned char *p = (const unsigned char *)in;
	uint32_t cp;
	size_t i, n = 0;
	int rc;

	if (outlen != NULL)
		*outlen = 0;
	if (out == NULL)
		return sepa_error_set(
		    err, SEPA_EINVAL, "no buffer to decode Windows-1252 into");
	if (in == NULL && len > 0)
		return sepa_error_set(
		    err, SEPA_EINVAL, "no Windows-1252 text to decode");
	for (i = 0; i < len; i++) {
		cp = p[i];
		if (cp >= 0x80 && cp <= 0x9F) {
			cp = text_cp1252_hi[cp - 0x80];
			if (cp == 0) {
				out[0] = '\0';
				rc = sepa_error_set(err, SEPA_EINVAL,
				    "undefined Windows-1252 byte 0x%02X at "
				    "byte offset %zu",
				    p[i], i);
				if (err != NULL)
					err->column = (long)i + 1;
				return rc;
			}
		}
		n += text_utf8_encode(out + n, cp);
	}
	out[n] = '\0';
	if (outlen != NULL)
		*outlen = n;
	return 0;
}

/*
 * The mapping of cp (a string of SEPA Latin characters, maybe empty), or
 * NULL when cp has none. Single letters are built in one[]. With latin1,
 * the printable characters of ISO-8859-1 map to themselves (one byte).
 */
static const char *
text_lookup(uint32_t cp, int latin1, char one[2])
{
	size_t lo, hi, mid, i;

	one[1] = '\0';
	if ((cp < 0x80 && sepa_is_latin_char((int)cp)) ||
	    (latin1 &&
	        ((cp > 0x20 && cp < 0x7F) ||
	            (cp > 0xA0 && cp <= 0xFF && cp != 0xAD)))) {
		one[0] = (char)cp;
		return one;
	}
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return " "; /* C0 and C1 controls, line breaks, tab */
	if (cp < 0x250)
		return text_low[cp];
	if (cp >= 0x0300 && cp <= 0x036F)
		return ""; /* combining marks (decomposed text) */
	if (cp >= 0x2000 && cp <= 0x200A)
		return " "; /* en quad .. hair space, thin space included */
	for (i = 0; i < sizeof(text_runs) / sizeof(text_runs[0]); i++) {
		if (cp >= text_runs[i].first &&
		    cp - text_runs[i].first < strlen(text_runs[i].letters)) {
			one[0] = text_runs[i].letters[cp - text_runs[i].first];
			return one;
		}
	}
	lo = 0;
	hi = sizeof(text_high) / sizeof(text_high[0]);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (text_high[mid].cp == cp)
			return text_high[mid].to;
		if (text_high[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Append the mapping s to the output: spaces are held back until a
 * character follows (so runs fold and the ends are trimmed), and the
 * text is cut at o->max characters. Returns 0 or SEPA_ELIMIT when buf
 * is too small.
 */
static int
text_put(struct text_out *o, const char *s)
{
	size_t need;

	for (; *s != '\0' && !o->cut; s++) {
		if (*s == ' ') {
			o->space = o->n > 0;
			continue;
		}
		need = o->space ? 2 : 1;
		if (o->max > 0 && o->n + need > o->max) {
			o->cut = 1;
			break;
		}
		if (o->n + need >= o->size)
			return SEPA_ELIMIT;
		if (o->space)
			o->buf[o->n++] = ' ';
		o->space = 0;
		o->buf[o->n++] = *s;
	}
	return 0;
}

/* ---------------------------------------------- Cyrillic and Greek */

/*
 * Cyrillic, U+0430..U+045F in lower case (capitals are folded to these):
 * ISO 9:1995 System B (GOST 7.79-2000 B), the form of ISO 9 without
 * diacritics, letter for letter, without its apostrophes: the hard and
 * soft signs are dropped, "y" and "e" stand for the letters System B
 * writes y` and e`, and "c" for the one it writes cz before e, i, y, j.
 * U+0491 (Ukrainian ghe with upturn) is "g".
 */
static const char *const text_cyrillic[0x30] = {
    "a", "b", "v", "g", "d", "e", "zh", "z", /* а б в г д е ж з */
    "i", "j", "k", "l", "m", "n", "o", "p", /* и й к л м н о п */
    "r", "s", "t", "u", "f", "x", "c", "ch", /* р с т у ф х ц ч */
    "sh", "shh", "", "y", "", "e", "yu", "ya", /* ш щ ъ ы ь э ю я */
    "e", "yo", "dj", "g", "ye", "dz", "i", "yi", /* ѐ ё ђ ѓ є ѕ і ї */
    "j", "lj", "nj", "c", "k", "i", "u", "dh", /* ј љ њ ћ ќ ѝ ў џ */
};

/*
 * Greek, U+03B1..U+03C9 without accents (ELOT 743, the Greek standard for
 * names in Latin letters): each letter alone; text_greek_pair reads the
 * pairs (αυ ευ ηυ, ου, γγ γξ γχ, μπ at the start of a word).
 */
static const char *const text_greek[0x19] = {
    "a", "v", "g", "d", "e", "z", "i", "th", /* α β γ δ ε ζ η θ */
    "i", "k", "l", "m", "n", "x", "o", "p", /* ι κ λ μ ν ξ ο π */
    "r", "s", "s", "t", "y", "f", "ch", "ps", /* ρ ς σ τ υ φ χ ψ */
    "o", /* ω */
};

/* A letter of one of the two scripts, as the transliteration reads it. */
struct text_letter {
	uint32_t low; /* lower case (Greek: without its accent); 0: none */
	int upper; /* it is a capital */
	int diaeresis; /* Greek ϊ ϋ ΐ ΰ Ϊ Ϋ: never the second of a pair */
	size_t n; /* its UTF-8 bytes */
};

/* Greek capitals and accented letters: their base lower-case letter. */
static uint32_t
text_greek_base(uint32_t cp, int *upper, int *diaeresis)
{
	static const struct {
		uint16_t cp, base;
		uint8_t upper, diaeresis;
	} acc[] = {
	    {0x0386, 0x03B1, 1, 0}, /* Ά */
	    {0x0388, 0x03B5, 1, 0}, /* Έ */
	    {0x0389, 0x03B7, 1, 0}, /* Ή */
	    {0x038A, 0x03B9, 1, 0}, /* Ί */
	    {0x038C, 0x03BF, 1, 0}, /* Ό */
	    {0x038E, 0x03C5, 1, 0}, /* Ύ */
	    {0x038F, 0x03C9, 1, 0}, /* Ώ */
	    {0x0390, 0x03B9, 0, 1}, /* ΐ */
	    {0x03AA, 0x03B9, 1, 1}, /* Ϊ */
	    {0x03AB, 0x03C5, 1, 1}, /* Ϋ */
	    {0x03AC, 0x03B1, 0, 0}, /* ά */
	    {0x03AD, 0x03B5, 0, 0}, /* έ */
	    {0x03AE, 0x03B7, 0, 0}, /* ή */
	    {0x03AF, 0x03B9, 0, 0}, /* ί */
	    {0x03B0, 0x03C5, 0, 1}, /* ΰ */
	    {0x03CA, 0x03B9, 0, 1}, /* ϊ */
	    {0x03CB, 0x03C5, 0, 1}, /* ϋ */
	    {0x03CC, 0x03BF, 0, 0}, /* ό */
	    {0x03CD, 0x03C5, 0, 0}, /* ύ */
	    {0x03CE, 0x03C9, 0, 0}, /* ώ */
	};

	*upper = 0;
	*diaeresis = 0;
	if (cp >= 0x03B1 && cp <= 0x03C9)
		return cp;
	if (cp >= 0x0391 && cp <= 0x03A9 && cp != 0x03A2) {
		*upper = 1;
		return cp + 0x20;
	}
	for (size_t i = 0; i < sizeof(acc) / sizeof(acc[0]); i++)
		if (acc[i].cp == cp) {
			*upper = acc[i].upper;
			*diaeresis = acc[i].diaeresis;
			return acc[i].base;
		}
	return 0;
}

/* Read the letter at s (len bytes); 1 when it is one of the two scripts. */
static int
text_letter_at(const unsigned char *s, size_t len, struct text_letter *l)
{
	const char *why;
	uint32_t cp;

	memset(l, 0, sizeof(*l));
	if (len == 0 || (l->n = text_utf8_decode(s, len, &cp, &why)) == 0)
		return 0;
	if (cp >= 0x0430 && cp <= 0x045F) {
		l->low = cp;
	} else if (cp >= 0x0400 && cp <= 0x042F) {
		l->low = cp + (cp >= 0x0410 ? 0x20 : 0x50);
		l->upper = 1;
	} else if (cp == 0x0490 || cp == 0x0491) {
		l->low = 0x0491;
		l->upper = cp == 0x0490;
	} else {
		l->low = text_greek_base(cp, &l->upper, &l->diaeresis);
	}
	return l->low != 0;
}

static int
text_is_greek(uint32_t low)
{
	return low >= 0x03B1 && low <= 0x03C9;
}

/* The consonants before which αυ ευ ηυ are af ef if: θ κ ξ π σ ς τ φ χ ψ. */
static int
text_greek_voiceless(uint32_t low)
{
	static const uint32_t set[] = {0x03B8, 0x03BA, 0x03BE, 0x03C0, 0x03C2,
	    0x03C3, 0x03C4, 0x03C6, 0x03C7, 0x03C8};

	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		if (low == set[i])
			return 1;
	return 0;
}

/*
 * The Latin of Greek letter a (lower case) followed by b, then c, into
 * out; the letters it reads: 2 for a pair, else 1. word_start: no letter
 * of the script comes right before a.
 */
static int
text_greek_pair(const struct text_letter *a, const struct text_letter *b,
    const struct text_letter *c, int word_start, char out[8])
{
	uint32_t x = a->low, y = b->diaeresis ? 0 : b->low;
	int vowel_a = x == 0x03B1 || x == 0x03B5 || x == 0x03B7;

	if (y == 0x03C5 && vowel_a) { /* αυ ευ ηυ */
		snprintf(out, 8, "%s%s", text_greek[x - 0x03B1],
		    text_is_greek(c->low) && !text_greek_voiceless(c->low)
		        ? "v"
		        : "f");
		return 2;
	}
	if (x == 0x03BF && y == 0x03C5) { /* ου */
		snprintf(out, 8, "ou");
		return 2;
	}
	if (x == 0x03B3 && (y == 0x03B3 || y == 0x03BE || y == 0x03C7)) {
		snprintf(out, 8, "n%s", text_greek[y - 0x03B1]); /* γγ γξ γχ */
		return 2;
	}
	if (x == 0x03BC && y == 0x03C0 && word_start) { /* μπ */
		snprintf(out, 8, "b");
		return 2;
	}
	snprintf(out, 8, "%s", text_greek[x - 0x03B1]);
	return 1;
}

/*
 * When the text at s (len bytes) begins with a Cyrillic or Greek letter:
 * its Latin spelling, ASCII, into out; *n the bytes and *letters the
 * letters read (2 for a Greek pair); returns 1. A capital is written
 * "Zh", or "ZH" when the next letter of the script is a capital too, or
 * when none follows and the one before was one. *prev says what came
 * before (0 no letter of the two scripts, 1 a small one, 2 a capital) and
 * is updated. Returns 0 for any other character.
 */
static int
text_translit_at(const unsigned char *s, size_t len, int *prev, char out[8],
    size_t *n, int *letters)
{
	struct text_letter a, b, c, *next = &b;
	int caps, last_upper, pair_upper = -1;

	if (!text_letter_at(s, len, &a)) {
		*prev = 0;
		return 0;
	}
	text_letter_at(s + a.n, len - a.n, &b);
	*n = a.n;
	*letters = 1;
	last_upper = a.upper;
	if (text_is_greek(a.low)) {
		text_letter_at(s + a.n + b.n, len - a.n - b.n, &c);
		if ((*letters = text_greek_pair(&a, &b, &c, *prev == 0, out)) ==
		    2) {
			*n += b.n;
			last_upper = pair_upper = b.upper;
			next = &c;
		}
	} else {
		snprintf(out, 8, "%s",
		    a.low == 0x0491 ? "g" : text_cyrillic[a.low - 0x0430]);
	}
	if (a.upper) {
		if (pair_upper >= 0)
			caps = pair_upper; /* ΟΥ, Ου */
		else
			caps = next->low != 0 ? next->upper : *prev == 2;
		for (size_t i = 0; out[i] != '\0'; i++)
			if (i == 0 || caps)
				out[i] = (char)(out[i] - 'a' + 'A');
	}
	*prev = last_upper ? 2 : 1;
	return 1;
}

/* The arguments of a transliteration: room for the output, an input. */
static int
text_args(char *out, size_t outsz, const char *in, sepa_error *err)
{
	if (out == NULL || outsz == 0)
		return sepa_error_set(
		    err, SEPA_ELIMIT, "no room for the transliterated text");
	out[0] = '\0';
	if (in == NULL)
		return sepa_error_set(
		    err, SEPA_EINVAL, "no text to transliterate");
	return 0;
}

int
sepa_text_translit(char *out, size_t outsz, const char *in, sepa_error *err)
{
	const unsigned char *p = (const unsigned char *)in;
	const char *why = NULL, *src;
	size_t len, i = 0, o = 0, n, m;
	char tr[8];
	uint32_t cp;
	int prev = 0, letters, rc;

	if ((rc = text_args(out, outsz, in, err)) != 0)
		return rc;
	len = strlen(in);
	while (i < len) {
		if ((n = text_utf8_decode(p + i, len - i, &cp, &why)) == 0) {
			out[0] = '\0';
			return text_utf8_error(err, i, why);
		}
		if (text_translit_at(p + i, len - i, &prev, tr, &n, &letters)) {
			src = tr;
			m = strlen(tr);
		} else {
			src = in + i;
			m = n;
		}
		if (o + m >= outsz) {
			out[0] = '\0';
			return sepa_error_set(err, SEPA_ELIMIT,
			    "transliterated text does not fit in %zu bytes",
			    outsz);
		}
		memcpy(out + o, src, m);
		o += m;
		i += n;
	}
	out[o] = '\0';
	return 0;
}

/*
 * sepa_text_latin (latin1 0) and sepa_text_latin1 (latin1 1): the same
 * reduction, to the SEPA Latin set or to ISO-8859-1.
 */
static int
text_reduce(char *out, size_t outsz, const char *in, size_t max_chars,
    unsigned flags, int latin1, int *truncated, sepa_error *err)
{
	struct text_out o = {out, outsz, 0, max_chars, 0, 0};
	const unsigned char *p = (const unsigned char *)in;
	const char *why = NULL, *to;
	char one[2], tr[8];
	uint32_t cp;
	size_t len, i = 0, n, pos = 0;
	int rc = 0, prev = 0, letters;

	if (truncated != NULL)
		*truncated = 0;
	if ((rc = text_args(out, outsz, in, err)) != 0)
		return rc;
	if ((flags & ~(unsigned)SEPA_TEXT_STRICT) != 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "unknown transliteration flags 0x%X", flags);
	len = strlen(in);
	/* The whole input is checked, even past the cut. */
	while (i < len) {
		n = text_utf8_decode(p + i, len - i, &cp, &why);
		if (n == 0) {
			rc = text_utf8_error(err, i, why);
			goto cleanup;
		}
		pos++;
		if (text_translit_at(p + i, len - i, &prev, tr, &n, &letters)) {
			to = tr; /* Cyrillic or Greek: the letters it spells */
			pos += (size_t)letters - 1;
		} else {
			to = text_lookup(cp, latin1, one);
		}
		if (to == NULL) {
			if (flags & SEPA_TEXT_STRICT) {
				rc = sepa_error_set(err, SEPA_EINVAL,
				    "character %zu (U+%04X) has no %s "
				    "transliteration",
				    pos, (unsigned)cp,
				    latin1 ? "ISO-8859-1" : "SEPA Latin");
				if (err != NULL)
					err->column = (long)pos;
				goto cleanup;
			}
			to = " ";
		}
		if (text_put(&o, to) != 0) {
			rc = sepa_error_set(err, SEPA_ELIMIT,
			    "transliterated text does not fit in %zu bytes",
			    outsz);
			goto cleanup;
		}
		i += n;
	}
	out[o.n] = '\0';
	if (truncated != NULL)
		*truncated = o.cut;
cleanup:
	if (rc != 0)
		out[0] = '\0';
	return rc;
}

int
sepa_text_latin(char *out, size_t outsz, const char *in, size_t max_chars,
    unsigned flags, int *truncated, sepa_error *err)
{
	return text_reduce(out, outsz, in, max_chars, flags, 0, truncated, err);
}

int
sepa_text_latin1(char *out, size_t outsz, const char *in, size_t max_chars,
    unsigned flags, int *truncated, sepa_error *err)
{
	return text_reduce(out, outsz, in, max_chars, flags, 1, truncated, err);
}

int
sepa_text_is_latin(const char *s)
{
	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++) {
		if (!sepa_is_latin_char((unsigned char)*s))
			return 0;
	}
	return 1;
}
