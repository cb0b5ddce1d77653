-- Defensive drops of objects no migration of the set created: warnings, not drop-object errors.
-- expect: drop-object-if-exists
drop policy if exists "Enable read access for all users" on public.projects;

-- expect: drop-object-if-exists
drop trigger if exists handle_updated_at on public.projects;

-- expect: drop-object-if-exists
drop index if exists public.projects_name_idx;

-- expect: drop-object-if-exists
DROP FUNCTION IF EXISTS public.legacy_search(text);

-- Objects the set created exist: dropping them is a real drop, even with IF EXISTS.
-- expect: drop-object
drop policy if exists "owners read projects" on public.projects;

-- expect: drop-object
drop index if exists projects_owner_idx;

-- expect: drop-object
drop trigger if exists projects_touch on public.projects;

-- OK: a trigger function (its trigger is dropped above); no client can call it.
drop function if exists public.touch();

-- Without IF EXISTS the object must exist, or the migration fails: a real drop.
-- expect: drop-object
drop policy "Enable insert for all users" on public.projects;

-- Dropped and created again: a replacement, reported by neither rule.
drop policy if exists "members read projects" on public.projects;
create policy "members read projects" on public.projects for insert to authenticated with check (true);

-- Tables hold data: dropping one stays an error whatever its origin.
-- expect: drop-table
drop table if exists public.legacy_projects;

-- A column of a table the set created, which no migration added, in a set that starts from an
-- empty database (its first file is its `init`): PostgreSQL skips the drop (issue 28 item 2).
alter table public.projects drop column if exists legacy_flag;

-- A rename guarded by IF EXISTS of an index no migration created: also a no-op for the set.
-- expect: drop-object-if-exists
alter index if exists public.projects_title_idx rename to projects_title_old_idx;
