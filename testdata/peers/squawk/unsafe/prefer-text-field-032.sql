-- peer: squawk prefer-text-field
-- out-of-scope: style: varchar(n) is valid and, widened later, needs no rewrite (`column-type-change` knows)
alter table public.accounts add column nick varchar(40);
