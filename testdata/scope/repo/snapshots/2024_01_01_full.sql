--
-- PostgreSQL database dump
--

drop table if exists public.notes;
create table public.notes (id bigint);
