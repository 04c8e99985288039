-- netvaerk's event log on PostgreSQL.
--
-- `PostgresStore` runs this file on first use, in one transaction that holds the log's
-- advisory lock, with `search_path` set to the store's schema (default `netvaerk`), and then
-- comments the schema with this file's digest and that of the tables, functions and triggers
-- it left; an open that finds both unchanged does not run it again. Every statement is
-- idempotent, so running it again changes nothing but what was changed by hand. To create the
-- schema by hand:
--
--     CREATE SCHEMA netvaerk; SET search_path TO netvaerk; \i postgres.sql
--
-- How appends keep the log's rules (see `src/pg.rs`):
-- * Every append, import and redaction takes `pg_advisory_xact_lock(key)` (key: the first 8
--   bytes of SHA-256 of 'netvaerk:' || schema), reads the head, and writes position head + 1,
--   head + 2, ... in one INSERT. The lock is held until commit, so positions are gapless and
--   become visible in position order: a reader that has seen position p will never later find
--   a new row below p. No sequence is used (sequences leave gaps and commit out of order).
-- * Expected versions, idempotent retries and the hash chain are checked under that lock by
--   the same planner as the embedded stores; the unique constraints below are the backstop.
-- * After the INSERT, pg_notify('netvaerk_' || schema, head) wakes subscribers at commit.

CREATE TABLE IF NOT EXISTS events (
    position        bigint  PRIMARY KEY CHECK (position > 0),
    stream          text    NOT NULL,
    stream_version  bigint  NOT NULL CHECK (stream_version > 0),
    event_id        uuid    NOT NULL UNIQUE,
    event_type      text    NOT NULL,
    schema_version  integer NOT NULL CHECK (schema_version > 0),
    -- The payload for SQL queries; NULL once redacted (or if it holds \u0000, which jsonb
    -- cannot store: the record keeps it).
    payload         jsonb,
    rationale       text,
    -- actor, occurred_on (the business date), recorded_at, correlation_id, causation_id.
    metadata        jsonb   NOT NULL,
    previous_hash   bytea   NOT NULL,
    hash            bytea   NOT NULL,
    -- The sealed record, byte for byte (header, body, SHA-256 hash, CRC-32): what `verify`
    -- checks and what export and migration copy. The columns above are read from it.
    record          bytea   NOT NULL,
    UNIQUE (stream, stream_version)
);

-- The person registry: names and contact details, outside the log (GDPR erasure rewrites
-- only this table).
CREATE TABLE IF NOT EXISTS registry (
    person  uuid  PRIMARY KEY,
    entry   jsonb NOT NULL
);

-- Snapshots: a stream's folded state as the service last wrote it, beside the log and outside
-- its chain (the service checks one against the record it names before trusting it). Not
-- append-only: a snapshot is replaced as its stream grows and deleted by a redaction, so that
-- no word a redaction removed stays here.
CREATE TABLE IF NOT EXISTS snapshots (
    stream  text  PRIMARY KEY,
    bytes   bytea NOT NULL
);

-- Append-only, enforced by the database too: UPDATE, DELETE and TRUNCATE are refused with
-- SQLSTATE NV001. The one exception is the redaction path: a transaction that sets
-- `netvaerk.redacting` to 'on' (SET LOCAL) may replace a row's record, payload and rationale,
-- never its position, stream, version, id, type or hashes. The chain covers the body's digest,
-- so `verify` still passes after a redaction and fails after any other change.
CREATE OR REPLACE FUNCTION netvaerk_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('netvaerk.redacting', true) = 'on' THEN
        IF NEW.position = OLD.position
           AND NEW.stream = OLD.stream
           AND NEW.stream_version = OLD.stream_version
           AND NEW.event_id = OLD.event_id
           AND NEW.event_type = OLD.event_type
           AND NEW.schema_version = OLD.schema_version
           AND NEW.previous_hash = OLD.previous_hash
           AND NEW.hash = OLD.hash THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the netvaerk event log is append-only: % refused', TG_OP
        USING ERRCODE = 'NV001';
END
$$;

CREATE OR REPLACE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION netvaerk_append_only();

CREATE OR REPLACE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION netvaerk_append_only();

-- The registry is append-only too, with two audited exceptions, so that a change by hand
-- cannot alter what reports show (SQLSTATE NV002):
-- * an erasure: a row's known data becomes an erasure marker, and only once the `$registry`
--   stream holds the PersonErased record that names the person (who erased, when);
-- * a correction of a person's data (GDPR rectification), in a transaction that sets
--   `netvaerk.registering` to 'on' (SET LOCAL), as `register_person` does.
-- A new row comes only the same two ways: known data on the registering path, an erasure
-- marker with its PersonErased record (an imported registry).
-- An erased person never comes back; DELETE and TRUNCATE are refused.
-- With the triggers off (`session_replication_role = replica`) a database administrator can
-- still change the tables: `verify` checks them against the keys and the `$registry` records,
-- which the hash chain covers, and names the person whose row was changed.
CREATE OR REPLACE FUNCTION netvaerk_registry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.entry ? 'known' AND current_setting('netvaerk.registering', true) = 'on' THEN
            RETURN NEW;
        END IF;
        IF NEW.entry ? 'erased' AND EXISTS (
            SELECT 1 FROM events e
            WHERE e.stream = '$registry' AND e.event_type = 'PersonErased'
              AND e.payload ->> 'person' = NEW.person::text
        ) THEN
            RETURN NEW;
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.person = OLD.person AND OLD.entry ? 'known' THEN
        IF NEW.entry ? 'erased' AND EXISTS (
            SELECT 1 FROM events e
            WHERE e.stream = '$registry' AND e.event_type = 'PersonErased'
              AND e.payload ->> 'person' = NEW.person::text
        ) THEN
            RETURN NEW;
        END IF;
        IF NEW.entry ? 'known' AND current_setting('netvaerk.registering', true) = 'on' THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the netvaerk registry changes only by registering and erasing: % refused', TG_OP
        USING ERRCODE = 'NV002';
END
$$;

CREATE OR REPLACE TRIGGER registry_append_only
    BEFORE INSERT OR UPDATE OR DELETE ON registry
    FOR EACH ROW EXECUTE FUNCTION netvaerk_registry_append_only();

CREATE OR REPLACE TRIGGER registry_no_truncate
    BEFORE TRUNCATE ON registry
    FOR EACH STATEMENT EXECUTE FUNCTION netvaerk_registry_append_only();

-- Each person's registry key (crypto-shredding): their known data in `registry` is
-- encrypted under it (`{"known": {"sealed": HEX}}`), and erasure deletes it, so the old row's
-- copies can no longer be read once the key's own copies are gone (its dead row and the WAL
-- keep them until `netvaerk purge`: VACUUM FULL, then the WAL written through). A key is made only on the
-- registering path, never changes, and goes only in the transaction that erases its person
-- (NV002).
CREATE TABLE IF NOT EXISTS registry_keys (
    person  uuid  PRIMARY KEY,
    key     bytea NOT NULL
);

CREATE OR REPLACE FUNCTION netvaerk_registry_keys_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND current_setting('netvaerk.registering', true) = 'on' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM registry r WHERE r.person = OLD.person AND r.entry ? 'erased') THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'a netvaerk registry key goes only with its person''s erasure: % refused', TG_OP
        USING ERRCODE = 'NV002';
END
$$;

CREATE OR REPLACE TRIGGER registry_keys_guard
    BEFORE INSERT OR UPDATE OR DELETE ON registry_keys
    FOR EACH ROW EXECUTE FUNCTION netvaerk_registry_keys_guard();

CREATE OR REPLACE TRIGGER registry_keys_no_truncate
    BEFORE TRUNCATE ON registry_keys
    FOR EACH STATEMENT EXECUTE FUNCTION netvaerk_registry_keys_guard();

-- The one-round-trip append. A writer that knows the head (position and hash) and the versions
-- of the streams it appends to, because it wrote last, seals its records for the positions
-- after that head and sends them in one call: the function takes the log's lock, checks that
-- the head is still the one the records link to, that no event id is stored and that each
-- stream's first new version follows its stored one, inserts, notifies, and returns 0. If any
-- check fails it inserts nothing and returns 1 (the head moved), 2 (an event id is stored: a
-- retry) or 3 (a stream's version moved); the writer then plans again inside a transaction.
CREATE OR REPLACE FUNCTION netvaerk_append(
    lock_key bigint, channel text, after_position bigint, after_hash bytea,
    positions bigint[], streams text[], versions bigint[], ids uuid[], types text[],
    schema_versions integer[], payloads text[], rationales text[], metadata text[],
    previous bytea[], hashes bytea[], records bytea[]
) RETURNS integer
LANGUAGE plpgsql SET search_path FROM CURRENT
-- plpgsql keeps the plans it made on the first calls. On a new log those calls see an almost
-- empty table, and its statistics stay so until autovacuum analyzes it (at most once a
-- minute): without this, the checks below kept a sequential scan of the whole table while a
-- fresh log grew under load (one scan a commit, 3.7x slower after 30 s of 32 HTTP clients).
-- Every statement here has an index path.
SET enable_seqscan = off AS $$
DECLARE
    head_position bigint;
    head_hash bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT e.position, e.hash INTO head_position, head_hash FROM events e ORDER BY e.position DESC LIMIT 1;
    IF coalesce(head_position, 0) <> after_position OR head_hash IS DISTINCT FROM after_hash THEN
        RETURN 1;
    END IF;
    IF EXISTS (SELECT 1 FROM events e WHERE e.event_id = ANY (ids)) THEN
        RETURN 2;
    END IF;
    IF EXISTS (
        SELECT 1 FROM (SELECT u.s, min(u.v) AS first FROM unnest(streams, versions) AS u(s, v) GROUP BY u.s) f
        WHERE coalesce((SELECT max(e.stream_version) FROM events e WHERE e.stream = f.s), 0) <> f.first - 1
    ) THEN
        RETURN 3;
    END IF;
    INSERT INTO events (position, stream, stream_version, event_id, event_type, schema_version,
                        payload, rationale, metadata, previous_hash, hash, record)
    SELECT u.p, u.s, u.v, u.id, u.t, u.sv, u.pl::jsonb, u.r, u.m::jsonb, u.ph, u.h, u.rec
    FROM unnest(positions, streams, versions, ids, types, schema_versions, payloads, rationales,
                metadata, previous, hashes, records) AS u(p, s, v, id, t, sv, pl, r, m, ph, h, rec);
    PERFORM pg_notify(channel, positions[array_length(positions, 1)]::text);
    RETURN 0;
END
$$;

-- The one-round-trip append that says what moved. As `netvaerk_append` (which stays for a
-- process of an older build sharing the schema), but whatever it finds it answers with the
-- head (position and hash) and, unless it inserted, the versions of the streams named in
-- `report`, read under the lock: a writer whose knowledge went stale because another process
-- appended sends its batch to `netvaerk_append_chained` instead (below), or is told the
-- versions of its streams in a transaction that holds the lock until it appended. Status as
-- `netvaerk_append`'s, except that 2 (a retry) also answers an id of `other_ids` stored (the
-- events of the appends the writer refused for their expected versions: a retry is recognised
-- before a version is refused) and comes first; a call with no records only tells (status 1).
CREATE OR REPLACE FUNCTION netvaerk_append_told(
    lock_key bigint, channel text, after_position bigint, after_hash bytea, report text[],
    other_ids uuid[], positions bigint[], streams text[], versions bigint[], ids uuid[], types text[],
    schema_versions integer[], payloads text[], rationales text[], metadata text[],
    previous bytea[], hashes bytea[], records bytea[],
    OUT status integer, OUT head_position bigint, OUT head_hash bytea, OUT report_versions bigint[]
)
LANGUAGE plpgsql SET search_path FROM CURRENT
-- As for netvaerk_append: every statement here has an index path.
SET enable_seqscan = off AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT e.position, e.hash INTO head_position, head_hash FROM events e ORDER BY e.position DESC LIMIT 1;
    head_position := coalesce(head_position, 0);
    -- One array, so that the ids are the index's condition: `= ANY (ids) OR = ANY (other_ids)`
    -- is a filter, and with sequential scans off it walked the whole event-id index on every
    -- append (29 ms a decision on an organisation of 100,000 events, against 1 ms at 1,000).
    IF EXISTS (SELECT 1 FROM events e WHERE e.event_id = ANY (ids || other_ids)) THEN
        status := 2;
    ELSIF coalesce(array_length(positions, 1), 0) = 0 OR head_position <> after_position
       OR head_hash IS DISTINCT FROM after_hash THEN
        status := 1;
    ELSIF EXISTS (
        SELECT 1 FROM (SELECT u.s, min(u.v) AS first FROM unnest(streams, versions) AS u(s, v) GROUP BY u.s) f
        WHERE coalesce((SELECT max(e.stream_version) FROM events e WHERE e.stream = f.s), 0) <> f.first - 1
    ) THEN
        status := 3;
    ELSE
        INSERT INTO events (position, stream, stream_version, event_id, event_type, schema_version,
                            payload, rationale, metadata, previous_hash, hash, record)
        SELECT u.p, u.s, u.v, u.id, u.t, u.sv, u.pl::jsonb, u.r, u.m::jsonb, u.ph, u.h, u.rec
        FROM unnest(positions, streams, versions, ids, types, schema_versions, payloads, rationales,
                    metadata, previous, hashes, records) AS u(p, s, v, id, t, sv, pl, r, m, ph, h, rec);
        head_position := positions[array_length(positions, 1)];
        head_hash := hashes[array_length(hashes, 1)];
        PERFORM pg_notify(channel, head_position::text);
        status := 0;
        RETURN;
    END IF;
    SELECT coalesce(array_agg(coalesce((SELECT max(e.stream_version) FROM events e WHERE e.stream = r.s), 0)
                              ORDER BY r.o), '{}')
    INTO report_versions FROM unnest(report) WITH ORDINALITY AS r(s, o);
END
$$;

-- The one-round-trip append for a writer that another process overtook: the database writes
-- the records' chain. Each record comes as a template (magic "NVR2", see `src/record.rs`):
-- sealed by the writer except for its position, the hash before it and its own hash, which
-- are zeros and which its CRC takes as zeros. Under the lock the function writes into each
-- template position head + i, the hash before it, and its hash, SHA-256 of 'netvaerk-chain-1'
-- and the header, and hands the records to `netvaerk_append_told` for the head it read (still
-- the head: the lock is held), which checks the event ids (status 2) and the first new version
-- of each stream (status 3), inserts and notifies, and answers as always. So two processes
-- appending in turn never send a batch again because the head moved, and the lock is held for
-- this call and its commit only. A template that does not frame as one is refused (SQLSTATE
-- 22023) before anything is inserted.
CREATE OR REPLACE FUNCTION netvaerk_append_chained(
    lock_key bigint, channel text, report text[],
    streams text[], versions bigint[], ids uuid[], types text[], schema_versions integer[],
    payloads text[], rationales text[], metadata text[], templates bytea[],
    OUT status integer, OUT head_position bigint, OUT head_hash bytea, OUT report_versions bigint[]
)
LANGUAGE plpgsql SET search_path FROM CURRENT
-- As for netvaerk_append: every statement here has an index path.
SET enable_seqscan = off AS $$
DECLARE
    total integer := coalesce(array_length(templates, 1), 0);
    positions bigint[] := '{}';
    previous bytea[] := '{}';
    hashes bytea[] := '{}';
    records bytea[] := '{}';
    sealed bytea;
    header_length integer;
    body_length integer;
    before bytea;
    hash bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT e.position, e.hash INTO head_position, head_hash FROM events e ORDER BY e.position DESC LIMIT 1;
    head_position := coalesce(head_position, 0);
    before := coalesce(head_hash, decode(repeat('00', 32), 'hex'));
    FOR i IN 1..total LOOP
        sealed := templates[i];
        -- Each length is read only where the bytes hold it, and only below 2^31 (a record is
        -- far smaller): anything else is refused, never an error of another kind.
        header_length := -1;
        IF length(sealed) >= 48 AND substring(sealed FROM 1 FOR 4) = 'NVR2'::bytea
           AND get_byte(sealed, 4) < 128 THEN
            header_length := (get_byte(sealed, 4) << 24) | (get_byte(sealed, 5) << 16)
                           | (get_byte(sealed, 6) << 8) | get_byte(sealed, 7);
        END IF;
        body_length := -1;
        IF header_length >= 40 AND length(sealed) >= 12 + header_length + 36 THEN
            IF get_byte(sealed, 8 + header_length) < 128 THEN
                body_length := (get_byte(sealed, 8 + header_length) << 24)
                             | (get_byte(sealed, 9 + header_length) << 16)
                             | (get_byte(sealed, 10 + header_length) << 8) | get_byte(sealed, 11 + header_length);
            END IF;
        END IF;
        IF body_length < 0 OR length(sealed) <> 8 + header_length + 4 + body_length + 36 THEN
            RAISE EXCEPTION 'netvaerk: template % is not a record to chain', i USING ERRCODE = '22023';
        END IF;
        sealed := overlay(sealed PLACING int8send(head_position + i) FROM 9 FOR 8);
        sealed := overlay(sealed PLACING before FROM 9 + header_length - 32 FOR 32);
        hash := sha256('netvaerk-chain-1'::bytea || substring(sealed FROM 9 FOR header_length));
        sealed := overlay(sealed PLACING hash FROM length(sealed) - 35 FOR 32);
        positions := array_append(positions, head_position + i);
        previous := array_append(previous, before);
        hashes := array_append(hashes, hash);
        records := array_append(records, sealed);
        before := hash;
    END LOOP;
    SELECT t.status, t.head_position, t.head_hash, t.report_versions
    INTO status, head_position, head_hash, report_versions
    FROM netvaerk_append_told(lock_key, channel, head_position, head_hash, report, '{}', positions,
                              streams, versions, ids, types, schema_versions, payloads, rationales,
                              metadata, previous, hashes, records) AS t;
END
$$;
