-- +goose NO TRANSACTION
-- +goose Up
create index concurrently events_id_kind_idx on events (id, kind);

-- +goose Down
drop index events_id_kind_idx;
