alter table invoices add column total numeric;
