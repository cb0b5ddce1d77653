create table posts (id bigint primary key, title text);
