create table public.invoices (id bigint primary key);
alter table public.invoices enable row level security;
create policy "read invoices" on public.invoices for select to authenticated using (true);
alter table public.invoices add column pdf_url text;
