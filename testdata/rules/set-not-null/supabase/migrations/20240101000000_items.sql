create table public.items (id bigint primary key, sku text, label text, code text);
alter table public.items enable row level security;
create unique index items_sku_key on public.items (sku);
create unique index items_id_code_key on public.items (id);
