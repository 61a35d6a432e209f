-- Calls a user did not take (NO_ANSWER, UNAVAILABLE, CANCELLED, BUSY), one row per ENDED call event.
-- The id is derived from the event id, so every instance can name a missed call before it is stored;
-- the unique event id makes a redelivered event a no-op.
create table missed_call (
    id            uuid        primary key,
    event_id      text        not null,
    call_id       text        not null,
    callee_id     text        not null,
    caller_id     text        not null,
    caller_name   text,
    caller_avatar text,
    audio         boolean     not null,
    video         boolean     not null,
    reason        text        not null,
    occurred_at   timestamptz not null,
    read          boolean     not null default false,
    constraint missed_call_event_id_key unique (event_id)
);

-- A user's list, newest first.
create index missed_call_callee_occurred_idx on missed_call (callee_id, occurred_at desc);
-- The unread count every page asks for when it connects.
create index missed_call_callee_unread_idx on missed_call (callee_id) where not read;
