alter table ledger add column amount numeric;
