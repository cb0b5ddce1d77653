-- SQL a DO block runs with EXECUTE of a constant is read like any other statement.
do $$
begin
  -- expect: drop-table
  execute 'drop table public.sessions';
  if exists (select 1 from information_schema.tables where table_name = 'tokens') then
    -- expect: drop-table
    execute format('drop table if exists %I.%I', 'public', 'tokens');
  end if;
  -- Built from a variable at run time: cannot be read.
  execute 'drop table ' || quote_ident(current_setting('app.table'));
end
$$;
