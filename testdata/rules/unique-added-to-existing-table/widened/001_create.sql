create table public.datasets (
  id text not null,
  name text,
  constraint datasets_pkey primary key (id)
);
create table public.runs (id text not null, run_no int);
create unique index runs_id_key on public.runs (id);
create table public.downloads (id serial primary key, version_id int, processed boolean);
