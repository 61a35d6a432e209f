-- The outbox in the shape of the shared outbox module (io.parley.outbox, docs/events.md "The outbox"): seq numbers
-- the rows in insertion order, and rows of one key are sent in that order. Settings changes lock the revision
-- first, so versions are added in order, and the last record of the compacted topic is the newest version.
-- Claims are row locks taken by the sender's transaction (for update skip locked), so no claim column is needed.
create sequence outbox_seq_seq;
alter table outbox add column seq bigint;
-- Rows left from before get numbers in version order.
update outbox o set seq = numbered.n
from (select id, row_number() over (order by version, created_at, id) as n from outbox) numbered
where o.id = numbered.id;
select setval('outbox_seq_seq', coalesce((select max(seq) from outbox), 0) + 1, false);
alter table outbox alter column seq set default nextval('outbox_seq_seq'),
                   alter column seq set not null,
                   add constraint outbox_seq_unique unique (seq);
alter sequence outbox_seq_seq owned by outbox.seq;
drop index outbox_by_age;
create index outbox_by_key on outbox (topic, record_key, seq);
-- The version is in the payload and the outbox no longer writes it. Nullable rather than dropped: an instance of
-- the previous release still running during an upgrade keeps adding events (with a version) instead of failing;
-- a later migration can drop it.
alter table outbox alter column version drop not null;
