truncate orders;
