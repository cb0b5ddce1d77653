-- peer: strong_migrations executing SQL directly
update public.users set flags = 0 where id = 42;
