-- peer: squawk ban-char-field
-- out-of-scope: style
alter table public.accounts add column country char(2);
