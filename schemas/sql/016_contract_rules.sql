-- 016_contract_rules.sql - the contract's rules that run inside set-based
-- SQL, each written once, here. lib/rules.c holds the same rules for the
-- code that decides one row at a time; tests/db/test_rules.c checks that
-- each function below and its C twin give the same answer on the same
-- inputs. lib/include/sepa/rules.h says, rule by rule, which of the two
-- each program uses.
--
-- Until now the school year was written inline in
-- daemon/store_returns.c (`due_on - interval '8 months'`), and so was
-- the comparison of the counted rejects with
-- rejections.max_per_school_year.

-- The school year a date falls in, named by the year it starts
-- (1 September to 31 August): 2026-08-31 is in 2025, 2026-09-01 in 2026.
-- As sepa_school_year (lib/date.c). A reject or return counts in the
-- school year of the rejected collection's due date
-- (sepa_rule_reject_school_year, contract art. 7).
CREATE FUNCTION sepad_school_year(d date) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (extract(year FROM d)
    - CASE WHEN extract(month FROM d) >= 9 THEN 0 ELSE 1 END)::integer;

-- Whether `counted` counted rejects and returns of one family in one
-- school year end its mandate (contract art. 7): counted >=
-- max_per_school_year, the setting rejections.max_per_school_year (2).
-- As sepa_rule_rejects_terminate.
CREATE FUNCTION sepad_rejects_terminate(counted bigint,
    max_per_school_year integer) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN counted >= max_per_school_year;
