drop table carts;
