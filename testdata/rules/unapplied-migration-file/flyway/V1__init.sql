create table public.ledger (id bigint primary key);
alter table public.ledger enable row level security;
create policy "read ledger" on public.ledger for select to authenticated using (true);
