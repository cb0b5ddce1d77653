-- The first file of a plain set named as its baseline: the set starts from an empty database.
create table public.invoices (id bigint primary key, number text not null);
