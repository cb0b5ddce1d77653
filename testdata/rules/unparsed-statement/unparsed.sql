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
-- migcheck:allow unparsed-statement reason: checked by hand, plain ALTER SEQUENCE rename of an unused sequence
alter sequence tmp_seq owned by none cycle restart weird;

-- Text that looks unfinished but is not.
select 'it''s fine', $tag$ a $ dollar $tag$;

-- An unterminated dollar quote runs to the end of the file; nothing after it is read.
-- expect: unparsed-statement
do $$
begin
  drop table public.orders;
end
