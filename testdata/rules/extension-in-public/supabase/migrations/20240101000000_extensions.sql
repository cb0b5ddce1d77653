-- expect: extension-in-public
create extension if not exists vector;

-- expect: extension-in-public
create extension pg_trgm with schema public;

-- OK: a schema of its own.
create extension if not exists postgis with schema extensions;

-- OK: already installed in `extensions` on every Supabase project, so this does nothing.
create extension if not exists "uuid-ossp";

-- OK: the first schema of search_path is `extensions` here.
set search_path = extensions, public;
create extension if not exists citext;
