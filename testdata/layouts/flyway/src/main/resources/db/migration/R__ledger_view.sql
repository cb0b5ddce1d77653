create or replace view ledger_totals as select sum(amount) as total from ledger;
