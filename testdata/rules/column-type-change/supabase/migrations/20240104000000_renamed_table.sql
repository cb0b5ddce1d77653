-- A renamed table keeps its columns and their types, as PostgreSQL's catalog does: widening a
-- column after the rename is still a widening (`name` was declared varchar(50), then varchar(100)).
alter table public.accounts rename to customer_accounts;
alter table public.customer_accounts alter column name type varchar(300);
