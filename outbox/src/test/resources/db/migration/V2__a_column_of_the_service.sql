-- A service's outbox table may keep columns the module does not know (admin-service keeps a nullable version):
-- the outbox must read its rows all the same.
alter table outbox add column version bigint;
