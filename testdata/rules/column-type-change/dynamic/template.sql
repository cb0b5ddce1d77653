-- expect: column-type-change
ALTER TABLE {{ .Schema }}.events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;
