-- 044_web_users.sql - the people allowed to use the web console (sepad
-- serves it; sepactl user add|list|disable|passwd manages them) and their
-- sessions, and who did what: every event and acknowledgement names the
-- console user who caused it.
--
-- A user has a role: 'viewer' reads, 'finance' also acts. The password is
-- stored as an argon2id encoded hash only (salt and costs inside it). A
-- user is never deleted (events name them): a person who leaves is
-- disabled, which also ends their sessions.
--
-- Repeated wrong passwords lock the account for a while: failed_logins
-- counts the failures since the last success or the last lock, and
-- locked_until is set when it reaches web.max_failed_logins
-- (store_user.c, store_user_login_failed, holds that rule).
--
-- A session is known by the SHA-256 of its cookie (the cookie itself is
-- never stored: a copy of the database gives no session). It ends at
-- logout, after web.session_idle_minutes without a request, or when its
-- user is disabled or changes password. csrf is the token every
-- state-changing request must carry.
--
-- events.actor and event_acks.actor: the console user whose request wrote
-- the row, from the connection's setting sepad.actor (the console sets it
-- for each request, db_set_actor); NULL for sepactl and the daemon's
-- cycle.

CREATE TABLE web_users (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL UNIQUE
	    CHECK (name ~ '^[a-z][a-z0-9._-]{0,31}$'),
	role text NOT NULL CHECK (role IN ('finance', 'viewer')),
	password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
	disabled boolean NOT NULL DEFAULT false,
	failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
	locked_until timestamptz,
	last_login timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	password_changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE web_sessions (
	token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
	user_id bigint NOT NULL REFERENCES web_users,
	csrf text NOT NULL CHECK (csrf ~ '^[0-9a-f]{64}$'),
	created_at timestamptz NOT NULL DEFAULT now(),
	last_seen timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

ALTER TABLE events ADD COLUMN actor text
    DEFAULT nullif(current_setting('sepad.actor', true), '');
ALTER TABLE event_acks ADD COLUMN actor text
    DEFAULT nullif(current_setting('sepad.actor', true), '');
