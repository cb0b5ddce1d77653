create table accounts (id bigint primary key);
drop table if exists accounts_old;
