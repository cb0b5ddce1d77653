create table users (id bigint primary key, nickname text);
