ALTER TABLE accounts RENAME COLUMN login TO email;
