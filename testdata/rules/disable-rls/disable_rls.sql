-- expect: disable-rls
alter table public.profiles disable row level security;

-- expect: disable-rls
ALTER TABLE "Session" NO FORCE ROW LEVEL SECURITY;

-- Enabling and forcing are fine.
create policy "read own profile" on public.profiles for select to authenticated using (true);
alter table public.profiles enable row level security;
alter table public.profiles force row level security;

select 'alter table profiles disable row level security';

do $$
begin
  -- expect: disable-rls
  alter table public.orders disable row level security;
end
$$;
