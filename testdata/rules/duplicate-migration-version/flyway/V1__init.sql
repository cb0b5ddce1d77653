-- expect-file: duplicate-migration-version
-- Sorted after V001__also_init.sql (the same version, 1), so this is the one reported.
create table public.ledger (id bigint primary key);
alter table public.ledger enable row level security;
create policy "read ledger" on public.ledger for select to authenticated using (true);
