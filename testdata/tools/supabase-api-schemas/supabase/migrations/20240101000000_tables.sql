create schema if not exists api;
create table public.audit_log (id bigint primary key, entry text);
create table api.profiles (id bigint primary key, name text);
