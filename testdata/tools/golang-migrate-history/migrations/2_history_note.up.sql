-- Migrations of some projects extend golang-migrate's own table; it must exist, with the
-- version being applied marked dirty, as golang-migrate leaves it while a file runs.
alter table schema_migrations add column if not exists note text;
update schema_migrations set note = 'accounts ready' where version = 2 and dirty;
