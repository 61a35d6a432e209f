-- Hold and resume (docs/protocol.md, "Hold and resume"): a HELD call records who holds it; a hold or resume
-- asked for and not yet confirmed by the other party's answer records what, by whom, and until when.
alter table calls add column held_by varchar(64);
alter table calls add column hold_pending varchar(16);
alter table calls add column hold_requested_by varchar(64);
alter table calls add column hold_deadline timestamp with time zone;
create index calls_hold_deadline on calls (hold_deadline) where hold_pending is not null;
