create table carts (id bigint primary key, owner text);
