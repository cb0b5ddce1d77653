alter table ledger add column memo text;
drop table if exists ledger_archive;
