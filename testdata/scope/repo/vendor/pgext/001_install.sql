drop function if exists pgext_version();
