-- peer: eugene E6 new_index_on_existing_table_is_nonconcurrent
create table public.bins (id bigint primary key, label text);
alter table public.bins enable row level security;
create index bins_label_idx on public.bins (label);
