-- peer: squawk disallowed-unique-constraint
alter table public.accounts add constraint accounts_email_key unique using index accounts_email_idx;
