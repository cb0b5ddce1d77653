create table ledger (id bigint primary key, memo text);
