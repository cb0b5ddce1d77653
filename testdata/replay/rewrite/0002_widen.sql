-- A longer limit is a catalog change only; int to bigint rewrites the table.
alter table events alter column name type varchar(200);

alter table events alter column id type bigint;
