-- +goose Up
create table accounts (id bigint primary key, balance numeric not null);
create table account_log (id bigint generated always as identity primary key, account_id bigint, balance numeric);

-- +goose Down
drop table account_log;
drop table accounts;
