alter table invoices drop column total;
