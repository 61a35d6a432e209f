-- Calls: one row per call, owned by signaling. State transitions are guarded updates
-- (update ... where state = <expected>), so concurrent requests have exactly one winner.
create table calls (
    id                    uuid primary key,
    caller_id             varchar(64)  not null,
    caller_name           varchar(200),
    caller_avatar         varchar(500),
    callee_id             varchar(64)  not null,
    callee_name           varchar(200),
    callee_avatar         varchar(500),
    audio                 boolean      not null,
    video                 boolean      not null,
    provider              varchar(32)  not null,
    state                 varchar(16)  not null,
    end_reason            varchar(16),
    ended_by              varchar(64),
    caller_connection_id  varchar(64),
    callee_connection_id  varchar(64),
    created_at            timestamp with time zone not null,
    answered_at           timestamp with time zone,
    established_at        timestamp with time zone,
    ended_at              timestamp with time zone,
    ring_deadline         timestamp with time zone,
    negotiation_deadline  timestamp with time zone,
    duration_ms           bigint,
    version               bigint       not null default 0
);
create index calls_by_caller on calls (caller_id, created_at desc);
create index calls_by_callee on calls (callee_id, created_at desc);
create index calls_open on calls (state) where state <> 'ENDED';

-- Transactional outbox: events are written in the same transaction as the state change and published
-- to Kafka after it commits; rows left behind (publish failed, instance died) are published by the sweeper.
create table outbox (
    id          uuid primary key,
    topic       varchar(100) not null,
    record_key  varchar(100) not null,
    payload     text         not null,
    created_at  timestamp with time zone not null
);
create index outbox_by_age on outbox (created_at);
