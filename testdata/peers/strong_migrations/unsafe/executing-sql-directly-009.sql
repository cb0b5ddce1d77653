-- peer: strong_migrations executing SQL directly
-- catch: update-all-rows
update public.users set flags = 0;
