-- A Go template rendered before the migration runs: the placeholder is read as a schema name.
-- expect: drop-table
DROP TABLE {{ .Schema }}.audit_log;
