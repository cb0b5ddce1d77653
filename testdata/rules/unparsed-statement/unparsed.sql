-- Statements the parser cannot read are reported so that someone reviews them by hand.

-- The fallback still sees a new table in public without RLS.
-- expect: missing-rls, unparsed-statement
create table public.events (id bigint) partition by range (id) with (fillfactor = 70) tablespace fast;

-- expect: unparsed-statement
alter table public.orders frobnicate column total;

-- An unreadable statement that drops something is reported for both.
-- expect: drop-column, unparsed-statement
alter table public.orders drop column legacy cascade restrict now;

-- Valid PostgreSQL that sqlparser cannot read yet: reviewed and allowed.
-- migcheck:allow unparsed-statement reason: checked by hand, a table access method for tests
create access method heap2 type table handler heap_tableam_handler;

-- Not valid PostgreSQL: the finding says the statement will fail when applied.
-- expect: unparsed-statement
create role if not exists app_reader;

-- Valid statements sqlparser cannot read, read by migcheck's own per-family reader: no warning.
comment on function public.touch(integer, text) is 'Bumps updated_at';
comment on policy "owners read" on public.orders is 'Owners only';
comment on trigger orders_touch on public.orders is null;
comment on constraint orders_total_positive on public.orders is 'Totals are positive';
alter publication supabase_realtime add table public.orders;
create event trigger log_ddl on ddl_command_end execute function public.log_ddl();
drop event trigger if exists log_ddl;
create or replace procedure public.archive_orders() language sql as $$ delete from public.orders where false $$;
alter type public.address add attribute zip text;
alter type public.address owner to postgres;
alter sequence public.orders_id_seq owned by public.orders.id;
create domain public.positive_int as integer check (value > 0) not null;

-- Text that looks unfinished but is not.
select 'it''s fine', $tag$ a $ dollar $tag$;

-- An unterminated dollar quote runs to the end of the file; nothing after it is read.
-- expect: unparsed-statement
do $$
begin
  drop table public.orders;
end
