-- expect: truncate-table
truncate public.notifications;

-- expect: truncate-table
TRUNCATE TABLE ONLY events, "AuditLog" RESTART IDENTITY;

-- A table created in this file holds nothing yet.
create table import_buffer (line text);
alter table import_buffer enable row level security;
create policy "none" on import_buffer for select to service_role using (true);
truncate import_buffer;

select 'truncate users';

create function reset_buffer() returns void language sql as $$ truncate import_buffer $$;

do $$
begin
  -- expect: truncate-table
  truncate table sessions;
end
$$;
