-- The table was created by an earlier migration: by now it holds data and code uses it.
-- expect: drop-table
drop table public.widgets;
