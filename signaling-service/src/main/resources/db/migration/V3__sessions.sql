-- Protocol version 2 (docs/protocol.md, "Sessions and resume"): a call is bound to the parties' signaling
-- sessions, not to their sockets; a session outlives its socket for the resume grace and may be resumed on
-- any instance. Instances record heartbeats so that the sessions of a dead instance are detached by the others.
create table signaling_sessions (
    id             uuid primary key,
    user_id        varchar(64)  not null,
    token_hash     bytea        not null,
    instance_id    varchar(64)  not null,
    connection_id  varchar(64),
    epoch          bigint       not null default 0,
    detached_at    timestamp with time zone,
    created_at     timestamp with time zone not null
);
create index signaling_sessions_bound on signaling_sessions (instance_id) where detached_at is null;
create index signaling_sessions_detached on signaling_sessions (detached_at) where detached_at is not null;

create table signaling_instances (
    instance_id   varchar(64) primary key,
    heartbeat_at  timestamp with time zone not null
);

-- Calls bound to a socket (version 1) have no session: the sweeper ends them as their party vanished.
alter table calls add column caller_session_id uuid;
alter table calls add column callee_session_id uuid;
alter table calls add column last_seq bigint not null default 0;
alter table calls add column media_deadline timestamp with time zone;
alter table calls drop column caller_connection_id;
alter table calls drop column callee_connection_id;
create index calls_open_by_caller_session on calls (caller_session_id) where state <> 'ENDED';
create index calls_open_by_callee_session on calls (callee_session_id) where state <> 'ENDED';

-- Every server event of a call, numbered per call (seq), kept for replay to a resuming session until the
-- call has been over for a while. recipient_id null: both parties.
create table call_messages (
    call_id       uuid        not null,
    seq           bigint      not null,
    recipient_id  varchar(64),
    body          text        not null,
    primary key (call_id, seq)
);
