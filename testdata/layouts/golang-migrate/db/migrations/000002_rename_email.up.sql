ALTER TABLE accounts RENAME COLUMN email TO login;
