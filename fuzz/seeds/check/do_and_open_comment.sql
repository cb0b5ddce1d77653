do $$ begin if true then alter table posts drop column language; end if; end $$;
select 1 /* open