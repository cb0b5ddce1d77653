-- peer: eugene E5 type_change_requires_table_rewrite
create table public.skus (code varchar(10));
alter table public.skus enable row level security;
create index skus_code_idx on public.skus (code);
alter table public.skus alter column code type varchar(20);
