create table t (a int check (a > 0 and a < 10 or a = 100));
select 1+2*3::int union select 4;
create function f() returns int language sql begin atomic select 1; end;
