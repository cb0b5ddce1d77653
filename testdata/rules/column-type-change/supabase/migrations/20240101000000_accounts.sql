create table public.accounts (id bigint primary key, name varchar(50), bio varchar(200), price numeric(10, 2), code varchar(10), build_count int);
alter table public.accounts enable row level security;
