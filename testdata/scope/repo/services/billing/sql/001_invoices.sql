-- the `invoices` table
create table invoices (id bigint primary key, total numeric);
