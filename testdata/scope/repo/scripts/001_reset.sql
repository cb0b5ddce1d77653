\set ON_ERROR_STOP on
\c app
drop schema public cascade;
