-- peer: eugene E3 add_json_column
alter table public.items add column attrs jsonb;
