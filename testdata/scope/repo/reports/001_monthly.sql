select count(*) from invoices;
