-- +goose Up
CREATE TABLE audit_log (id bigint primary key);
-- +goose Down
DROP TABLE audit_log;
