-- +goose Up
-- A rule with two actions: the `;` between them does not end the statement.
-- +goose StatementBegin
create rule accounts_log as on update to accounts do also (
  insert into account_log (account_id, balance) values (new.id, new.balance);
  notify accounts_changed
);
-- +goose StatementEnd

-- goose sends a block as it is: it needs no `;`.
-- +goose StatementBegin
alter table account_log alter column balance type text
-- +goose StatementEnd
create index account_log_account_idx on account_log (account_id);

-- +goose Down
drop index account_log_account_idx;
drop rule accounts_log on accounts;
