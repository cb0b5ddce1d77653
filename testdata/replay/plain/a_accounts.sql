-- Accounts, with a first row
create table accounts (
  id bigint generated always as identity primary key,
  email text not null
);

insert into accounts (email) values ('ada@example.com');
