-- peer: squawk adding-not-nullable-field
alter table public.accounts add constraint accounts_email_nn check (email is not null) not valid;
