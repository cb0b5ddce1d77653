-- Index the e-mail addresses and give every account a plan
create index accounts_email_idx on accounts (email);

-- migcheck:allow replay-lock reason: accounts holds a handful of rows
alter table accounts add column plan text not null default 'free';

create view free_accounts as select id, email from accounts where plan = 'free';
