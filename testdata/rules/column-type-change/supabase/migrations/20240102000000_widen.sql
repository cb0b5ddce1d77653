-- OK: widening, no rewrite and no value can break.
alter table public.accounts alter column name type varchar(100);
alter table public.accounts alter column bio type text;
alter table public.accounts alter column price type numeric(14, 2);

-- Narrowing is reported.
-- expect: column-type-change
alter table public.accounts alter column code type varchar(5);
