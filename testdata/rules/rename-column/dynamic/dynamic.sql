-- expect: rename-column
ALTER TABLE {{.Schema}}.users RENAME COLUMN name TO full_name;

do $$
begin
  -- expect: rename-column
  execute 'alter table public.users rename column email to email_address';
end
$$;
