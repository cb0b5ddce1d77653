-- peer: squawk ban-drop-not-null
-- out-of-scope: `drop-not-null-or-default` exists but is off by default: relaxing a constraint is additive for writers
alter table public.accounts alter column email drop not null;
