alter table ledger drop column memo;
