create table accounts (id bigint primary key, email text);
