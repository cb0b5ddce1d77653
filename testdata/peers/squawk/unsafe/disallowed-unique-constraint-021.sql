-- peer: squawk disallowed-unique-constraint
-- catch: unique-constraint-without-index
alter table public.accounts add constraint accounts_email_key unique (email);
