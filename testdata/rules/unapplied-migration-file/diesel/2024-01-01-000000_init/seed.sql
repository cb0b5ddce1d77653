-- expect-file: unapplied-migration-file
-- diesel runs only up.sql and down.sql of this folder: this file is never applied.
insert into public.settings (key, value) values ('theme', 'dark');
