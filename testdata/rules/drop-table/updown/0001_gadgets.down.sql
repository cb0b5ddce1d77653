-- A rollback drops what its up file created; never reported.
drop table gadgets;
drop table if exists gizmos;
