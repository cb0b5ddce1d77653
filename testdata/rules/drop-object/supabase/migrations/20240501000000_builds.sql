create table public.builds (id bigint primary key, app_id bigint not null, owner uuid not null);
alter table public.builds enable row level security;
create policy "owners manage builds" on public.builds for all to authenticated
  using (owner = (select auth.uid()));
create policy "owners read builds" on public.builds for select to authenticated
  using (owner = (select auth.uid()));
create policy "owners delete builds" on public.builds for delete to authenticated
  using (owner = (select auth.uid()));
create table public.scan_jobs (id bigint primary key, status text);
create index scan_jobs_status_idx on public.scan_jobs (status);
create function public.touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger scan_jobs_touch before update on public.scan_jobs
  for each row execute function public.touch();
