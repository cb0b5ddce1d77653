-- expect: drop-schema
drop schema reporting cascade;

-- expect: drop-schema
DROP SCHEMA IF EXISTS "Archive";

-- Created in this file: fine.
create schema scratch;
drop schema scratch;

select 'drop schema public cascade';

do $$
begin
  -- expect: drop-schema
  drop schema if exists legacy cascade;
end
$$;
