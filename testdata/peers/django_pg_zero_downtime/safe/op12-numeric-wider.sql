-- peer: django-pg-zero-downtime-migrations ALTER COLUMN TYPE: numeric(LESS, SAME) to numeric(MORE, SAME) (the column's type is written first)
create table public.profiles (id bigint primary key, name varchar(100), balance numeric(10, 2));
alter table public.profiles enable row level security;
create index profiles_balance_idx on public.profiles (balance);
set lock_timeout = '2s';
alter table public.profiles alter column balance type numeric(20, 2);
