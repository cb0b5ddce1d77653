-- peer: strong_migrations changing the type of a column (safe widening)
create table public.profiles (bio varchar(100));
alter table public.profiles enable row level security;
create index profiles_bio_idx on public.profiles (bio);
alter table public.profiles alter column bio type varchar(200);
