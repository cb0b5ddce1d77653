create table public.boards (id bigint primary key);
alter table public.boards enable row level security;
create table public.cards (id bigint primary key);
alter table public.cards enable row level security;
create table public.lanes (id bigint primary key);
-- expect: rls-without-policy
alter table public.lanes enable row level security;

-- Policies created by EXECUTE of a constant (or format of one) are policies too.
do $$
begin
  execute 'create policy "read boards" on public.boards for select to authenticated using (true)';
  if not exists (select 1 from pg_policies where policyname = 'read cards') then
    execute format('create policy %I on public.%I for select to authenticated using (true)', 'read cards', 'cards');
  end if;
end
$$;
