create table public.projects (id bigint primary key, owner uuid not null);
alter table public.projects enable row level security;
create policy "owners read projects" on public.projects for select to authenticated
  using (owner = (select auth.uid()));
create index projects_owner_idx on public.projects (owner);
create function public.touch() returns trigger language plpgsql as $$
begin
  return new;
end
$$;
create trigger projects_touch before update on public.projects
  for each row execute function public.touch();
