-- +goose ENVSUB ON
-- +goose Up
-- goose substitutes ${SCHEMA} from the environment before it runs the statement
-- (pressly/goose ENVSUB): the placeholder is read as the schema's name.
-- expect: drop-table
DROP TABLE ${SCHEMA}.audit_log;

-- +goose Down
CREATE TABLE ${SCHEMA}.audit_log (id bigint primary key);
