-- peer: squawk adding-primary-key-constraint
alter table public.events add constraint events_pkey primary key using index events_id_key;
