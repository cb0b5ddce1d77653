-- peer: squawk renaming-column
-- catch: rename-column
alter table public.accounts rename column email to email_address;
