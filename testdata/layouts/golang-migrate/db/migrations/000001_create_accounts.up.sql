CREATE TABLE IF NOT EXISTS accounts (id serial PRIMARY KEY, email text NOT NULL);
