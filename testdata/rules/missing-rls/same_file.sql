-- expect: missing-rls
create table public.notifications (
  id bigint generated always as identity primary key,
  body text
);

-- Unqualified names land in public (the default search path).
-- expect: missing-rls
CREATE TABLE IF NOT EXISTS audit_events (id bigint);

-- RLS enabled later in the same file: fine.
create table public.profiles (id uuid primary key);
create policy "read own profile" on public.profiles for select to authenticated
  using ((select auth.uid()) = id);
alter table public.profiles enable row level security;

-- A schema the Data API does not serve is not exposed.
create schema private;
create table private.jobs (id bigint);

-- Temporary tables are not part of the schema.
create temp table scratch (id int);

-- Quoted names keep their case: enabling RLS on tile_setting leaves "TileSetting" open.
-- expect: missing-rls
create table "TileSetting" (id serial primary key);
alter table tile_setting enable row level security;

-- Quoted consistently: fine.
create table "UserPref" (id serial primary key);
alter table "UserPref" enable row level security;
create policy "read prefs" on "UserPref" for select to authenticated using (true);

-- The search path decides where an unqualified table goes.
set search_path to private;
create table queue (id bigint);
