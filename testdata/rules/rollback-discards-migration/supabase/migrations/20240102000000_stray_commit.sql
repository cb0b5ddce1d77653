alter table public.orders add column memo text;
commit;
-- OK: a second COMMIT only makes PostgreSQL warn "there is no transaction in progress".
commit;
