-- 014_event_acks.sql - an event that needs attention (a late file, an
-- invoice without a mandate, records in quarantine, a deferral...) stays
-- in `sepactl status` until a person says it was seen to: `sepactl
-- attention ack`. The event log itself never changes; the acknowledgement
-- is a row of its own, with the business date and a note, kept for good.

ALTER TABLE events ADD CONSTRAINT events_creditor_id_id_key
    UNIQUE (creditor_id, id);

CREATE TABLE event_acks (
	creditor_id bigint NOT NULL,
	event_id bigint NOT NULL,
	acknowledged_on date NOT NULL,
	note text NOT NULL CHECK (note <> ''),
	recorded_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (creditor_id, event_id),
	FOREIGN KEY (creditor_id, event_id) REFERENCES events (creditor_id, id)
);
