-- expect: prefer-jsonb
create table public.events (id bigint primary key, payload json, tags json[]);

-- expect: prefer-jsonb
alter table public.events add column meta json;

-- OK: jsonb.
create table public.logs (id bigint primary key, payload jsonb);
-- OK: a string mentioning json.
comment on column public.logs.payload is 'json payload';
