alter table schema_migrations drop column note;
