create table public.folders (id bigint primary key);
alter table public.folders enable row level security;
create table public.documents (
  id bigint primary key,
  folder_id bigint,
  owner_email text,
  legacy_code text,
  status text,
  folder_ref bigint
);
alter table public.documents enable row level security;
alter table public.documents add constraint documents_folder_id_fkey
  foreign key (folder_id) references public.folders (id) not valid;
create unique index documents_owner_email_key on public.documents (owner_email, id);
create index documents_legacy_code_idx on public.documents (legacy_code);
create index documents_status_idx on public.documents (status);
create unique index documents_status_id_key on public.documents (status, id);
create policy "owners manage documents" on public.documents for all to authenticated
  using (owner_email = (select auth.email()));
create function public.documents_touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger documents_touch before update on public.documents
  for each row execute function public.documents_touch();
create function public.documents_stamp() returns "trigger" language plpgsql as $$ begin return new; end $$;
create trigger documents_stamp before insert on public.documents
  for each row execute function public.documents_stamp();
create policy "anyone reads folders" on public.folders for all to authenticated using (true) with check (true);
create policy "editors delete documents" on public.documents for delete to authenticated
  using (owner_email = (select auth.email()));
alter table public.documents add constraint documents_folder_ref_fkey
  foreign key (folder_ref) references public.folders (id) not valid;
