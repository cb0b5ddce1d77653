-- peer: squawk changing-column-type
create table public.notes (id bigint primary key, body varchar(100));
alter table public.notes enable row level security;
alter table public.notes alter column body type text;
