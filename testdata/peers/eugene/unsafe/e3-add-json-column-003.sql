-- peer: eugene E3 add_json_column
-- catch: prefer-jsonb
alter table public.items add column attrs json;
