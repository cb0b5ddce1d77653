-- expect-file: unapplied-migration-file
insert into "Session" (id) values ('demo');
