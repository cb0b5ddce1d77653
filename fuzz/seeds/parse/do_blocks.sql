DO LANGUAGE plpgsql $b$ BEGIN DROP TABLE t; END $b$;
DO $$ BEGIN NULL; END $$ LANGUAGE plpgsql;
-- migrate:down
drop table t;
