-- +goose Up
create index concurrently events_kind_idx on events (kind);

-- +goose Down
drop index events_kind_idx;
