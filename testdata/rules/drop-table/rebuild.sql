-- A table rebuilt under a temporary name, its rows copied, then renamed into place: one
-- finding, saying it is a rebuild (rows written meanwhile and what was attached are lost).
create table public.new_invoices (id bigint primary key, total numeric(12, 2) not null);
insert into public.new_invoices (id, total) select id, total from public.invoices;
-- expect: drop-table
drop table public.invoices;
alter table public.new_invoices rename to invoices;

-- The other order: the old table renamed away, a new one created under its name and filled.
alter table public.payments rename to payments_old;
create table public.payments (id bigint primary key, amount numeric(12, 2) not null);
insert into public.payments (id, amount) select id, amount::numeric(12, 2) from public.payments_old;
-- expect: drop-table
drop table public.payments_old;

-- Replaced by an empty table (no copy): the rows are gone, a plain drop-table.
create table public.new_receipts (id bigint primary key);
-- expect: drop-table
drop table public.receipts;
alter table public.new_receipts rename to receipts;
