create table public.tags (name text);
create table public.labels (slug text not null);
alter table public.tags enable row level security;
alter table public.labels enable row level security;
