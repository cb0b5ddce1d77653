create table public.docs (id bigint primary key, owner uuid, is_public boolean);
alter table public.docs enable row level security;

create policy docs_owner_read on public.docs for select to authenticated
  using ((select auth.uid()) = owner);
-- expect: multiple-permissive-policies
create policy docs_public_read on public.docs for select
  using (is_public);

-- OK: a restrictive policy narrows, it is not ORed.
create policy docs_not_archived on public.docs as restrictive for select to authenticated
  using (id > 0);

-- OK: different commands.
create policy docs_owner_write on public.docs for update to authenticated
  using ((select auth.uid()) = owner);

-- OK: the second policy is dropped later in the set.
create table public.files (id bigint primary key, owner uuid);
alter table public.files enable row level security;
create policy files_read on public.files for select to authenticated using ((select auth.uid()) = owner);
create policy files_read_all on public.files for all to authenticated using (true);
drop policy files_read_all on public.files;

-- OK: service_role bypasses row level security.
create policy files_service on public.files for select to service_role using (true);
