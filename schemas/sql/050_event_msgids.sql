-- 050_event_msgids.sql - stored messages in the reader's language (issue
-- 15). An event's message stays the English text recorded when it
-- happened (the journal and the audit read it as it was); beside it, the
-- English format it was written from (a msgid of the catalogue) and its
-- arguments, so that status, attention, the mandates and the console word
-- it again in the language of whoever reads it (i18n_render,
-- daemon/i18n.c). The events recorded before keep their msgid NULL and are
-- shown as they were stored.
--
-- Each argument is text with its type before a colon: "t:" text, "d:" a
-- date YYYY-MM-DD, "m:" an amount in cents, "n:" a number (the first one
-- picks the plural form of msgid_plural), "y:" a day of the year MM-DD,
-- "s:" a state code after its context and a \004 ("collection\004
-- rejected"), "g:" a word that is a msgid itself; "e:" (cents written
-- "1 234,56 €" in every language) is written by C only.
--
-- sepad_message is i18n_render in English (untranslated, without plural
-- forms), for the statements that write their events and reasons in SQL:
-- they pass the msgid and the arguments, the text is made from them, so
-- the text and its msgid never say two things. tests/db/test_rules.c
-- compares the two on the same inputs.

ALTER TABLE events ADD COLUMN msgid text,
    ADD COLUMN msgid_plural text,
    ADD COLUMN msg_args text[],
    ADD CHECK ((msgid IS NULL) = (msg_args IS NULL)),
    ADD CHECK (msgid_plural IS NULL OR msgid IS NOT NULL);

CREATE FUNCTION sepad_message_arg(arg text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    t text := CASE WHEN substr(arg, 2, 1) = ':' THEN substr(arg, 1, 1)
                   ELSE 't' END;
    v text := CASE WHEN substr(arg, 2, 1) = ':' THEN substr(arg, 3)
                   ELSE arg END;
    m text[];
    n numeric;
BEGIN
    IF t = 'm' AND v ~ '^-?[0-9]+$' THEN
        n := abs(v::numeric);
        RETURN CASE WHEN v LIKE '-%' THEN '-' ELSE '' END
            || trunc(n / 100)::text || '.' || lpad((n % 100)::text, 2, '0');
    END IF;
    IF t = 's' AND strpos(v, chr(4)) > 0 THEN
        RETURN substr(v, strpos(v, chr(4)) + 1);
    END IF;
    IF t = 'y' THEN
        m := regexp_match(v, '^([0-9]{1,2})-([0-9]{1,2})');
        IF m IS NOT NULL AND m[1]::int BETWEEN 1 AND 12 THEN
            RETURN m[2]::int::text || ' ' || (ARRAY['January', 'February',
                'March', 'April', 'May', 'June', 'July', 'August',
                'September', 'October', 'November',
                'December'])[m[1]::int];
        END IF;
    END IF;
    RETURN v;
END $$;

CREATE FUNCTION sepad_message(msgid text, args text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    out text := '';
    i int := 1;
    len int := length(msgid);
    nxt int := 0;
    idx int;
    c text;
    m text[];
BEGIN
    IF msgid IS NULL THEN
        RETURN NULL;
    END IF;
    -- %s the next argument, %N$s the Nth, %% a %; the rest is copied
    WHILE i <= len LOOP
        c := substr(msgid, i, 1);
        IF c <> '%' THEN
            out := out || c;
            i := i + 1;
            CONTINUE;
        END IF;
        IF substr(msgid, i + 1, 1) = '%' THEN
            out := out || '%';
            i := i + 2;
            CONTINUE;
        END IF;
        m := regexp_match(substr(msgid, i + 1), '^([1-9][0-9]*)\$s');
        IF m IS NOT NULL THEN
            idx := m[1]::int;
            i := i + length(m[1]) + 3;
        ELSIF substr(msgid, i + 1, 1) = 's' THEN
            nxt := nxt + 1;
            idx := nxt;
            i := i + 2;
        ELSE
            out := out || c;
            i := i + 1;
            CONTINUE;
        END IF;
        IF idx <= coalesce(array_length(args, 1), 0)
            AND args[idx] IS NOT NULL THEN
            out := out || sepad_message_arg(args[idx]);
        END IF;
    END LOOP;
    RETURN out;
END $$;
