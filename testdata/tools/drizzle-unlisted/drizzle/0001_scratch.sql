-- A draft left in the folder: the journal does not list it, so drizzle-kit never runs it.
DROP TABLE "users";
