-- The outbox in the shape every service brings its table to (signaling-service and admin-service, V2).
create table outbox (
    id          uuid         primary key,
    seq         bigserial    not null unique,
    topic       varchar(100) not null,
    record_key  varchar(100) not null,
    payload     text         not null,
    created_at  timestamp with time zone not null
);
create index outbox_by_key on outbox (topic, record_key, seq);
