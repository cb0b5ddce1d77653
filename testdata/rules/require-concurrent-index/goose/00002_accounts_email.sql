-- goose runs this file statement by statement, outside a transaction (NO TRANSACTION), so
-- the fix may add CONCURRENTLY to the first index; the partitioned table gets no fix.
-- +goose NO TRANSACTION
-- +goose Up
-- expect: require-concurrent-index
create unique index accounts_email on accounts (email);
-- expect: require-concurrent-index
create index events_at on events (at);
