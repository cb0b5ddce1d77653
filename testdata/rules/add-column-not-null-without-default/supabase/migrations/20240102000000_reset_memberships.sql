-- The rows are rebuilt from scratch: the same transaction (the file's pipeline) empties the
-- table first, so no existing row can make the NOT NULL column fail.
delete from public.memberships;
-- OK: the table is empty here.
alter table public.memberships add column role text not null;

truncate public.invites;
insert into public.invites (id, email) values (1, 'a@example.com');
-- Refilled after the TRUNCATE: the insert's row has no value for the column.
-- expect: add-column-not-null-without-default
alter table public.invites add column token text not null;

delete from public.audit where what is null;
-- A DELETE with a WHERE leaves rows.
-- expect: add-column-not-null-without-default
alter table public.audit add column actor uuid not null;
