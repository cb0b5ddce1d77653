drop table old_orders;
