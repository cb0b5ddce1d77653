-- Repeatable migrations are applied: not reported.
create or replace view public.ledger_ids as select id from public.ledger;
