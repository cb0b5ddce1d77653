create table orders (id bigint primary key, status text);
