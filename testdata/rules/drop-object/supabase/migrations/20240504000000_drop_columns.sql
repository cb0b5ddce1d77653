-- OK: the foreign key and the indexes go with their columns, dropped below (Prisma writes
-- them first): PostgreSQL would drop them with the columns, and drop-column reports those.
alter table public.documents drop constraint documents_folder_id_fkey;
drop index public.documents_owner_email_key;
drop index documents_legacy_code_idx;
-- expect: drop-column
alter table public.documents drop column folder_id, drop column owner_email;
-- expect: drop-column
alter table public.documents drop column legacy_code;

-- OK: a plain index the set created, dropped without blocking reads or writes.
drop index concurrently public.documents_status_idx;

-- A unique index stops enforcing uniqueness, CONCURRENTLY or not.
-- expect: drop-object
drop index concurrently documents_status_id_key;

-- OK: the ALL policy is split into one policy per command; clients keep every access.
drop policy "owners manage documents" on public.documents;
create policy "owners read documents" on public.documents for select to authenticated
  using (owner_email = (select auth.email()));
create policy "owners add documents" on public.documents for insert to authenticated
  with check (owner_email = (select auth.email()));
create policy "owners edit documents" on public.documents for update to authenticated
  using (owner_email = (select auth.email()));
create policy "owners remove documents" on public.documents for delete to authenticated
  using (owner_email = (select auth.email()));

-- The trigger is the change; its function, which no client can call, goes after it.
-- expect: drop-object
drop trigger documents_touch on public.documents;
drop function public.documents_touch();

-- With CASCADE the function takes its trigger with it: reported.
-- expect: drop-object
drop function public.documents_stamp() cascade;

-- A policy that let every row through, replaced by conditional ones: clients lose access.
-- expect: drop-object
drop policy "anyone reads folders" on public.folders;
create policy "members read folders" on public.folders for select to authenticated
  using (id in (select folder_id from public.documents));
create policy "members add folders" on public.folders for insert to authenticated with check (true);
create policy "members edit folders" on public.folders for update to authenticated using (true);
create policy "members remove folders" on public.folders for delete to authenticated using (true);

-- OK: the new delete policy was created before the old one is dropped, in the same file.
create policy "members delete documents" on public.documents for delete to authenticated
  using (owner_email = (select auth.email()));
drop policy "editors delete documents" on public.documents;

-- OK: the foreign key is re-added over one more column, against the widened key.
alter table public.folders add column project_id bigint not null default 0;
alter table public.folders drop constraint folders_pkey, add constraint folders_pkey primary key (id, project_id);
alter table public.documents add column project_id bigint not null default 0;
alter table public.documents drop constraint documents_folder_ref_fkey;
alter table public.documents add constraint documents_folder_ref_project_id_fkey
  foreign key (folder_ref, project_id) references public.folders (id, project_id) not valid;
