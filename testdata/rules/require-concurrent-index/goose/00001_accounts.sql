-- +goose Up
create table accounts (id bigint primary key, email text not null);
create table events (id bigint, at timestamptz) partition by range (at);
