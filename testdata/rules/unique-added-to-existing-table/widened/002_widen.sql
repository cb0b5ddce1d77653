alter table public.datasets add column project_id text;

-- OK: rows unique on `id` (the old primary key) are unique on (id, project_id) too.
alter table public.datasets
  drop constraint datasets_pkey,
  add constraint datasets_pkey primary key (id, project_id);

-- OK: `slug` is added by this file: its values are NULL (or the file's own backfill).
alter table public.datasets add column slug text;
create unique index datasets_slug_key on public.datasets (slug);

-- OK: includes `id`, unique by runs_id_key.
create unique index runs_id_no_key on public.runs (id, run_no);

-- `name` was never unique.
-- expect: unique-added-to-existing-table
create unique index datasets_name_key on public.datasets (name);

-- OK: `id` is the table's inline primary key.
create unique index downloads_not_processed on public.downloads (id) where not processed;

-- OK: the column is added by the same statement.
alter table public.runs add column uid uuid, add constraint runs_uid_key unique (uid);

-- OK: a materialized view this file creates.
create materialized view public.recent as select version_id from public.downloads group by 1;
create unique index recent_version_id on public.recent (version_id);
