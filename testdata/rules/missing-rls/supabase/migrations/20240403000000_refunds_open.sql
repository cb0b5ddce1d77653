-- expect: disable-rls
alter table public.refunds disable row level security;
