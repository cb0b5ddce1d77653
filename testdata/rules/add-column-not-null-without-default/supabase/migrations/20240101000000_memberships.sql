create table public.memberships (id bigint primary key, user_id uuid not null);
create table public.invites (id bigint primary key, email text not null);
create table public.audit (id bigint primary key, what text);
