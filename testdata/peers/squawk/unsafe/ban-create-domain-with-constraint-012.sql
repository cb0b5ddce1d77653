-- peer: squawk ban-create-domain-with-constraint
-- out-of-scope: a new domain is used by no column yet, so its CHECK validates nothing; using it on an existing column is a type change (`column-type-change`)
create domain public.percent as integer check (value between 0 and 100);
