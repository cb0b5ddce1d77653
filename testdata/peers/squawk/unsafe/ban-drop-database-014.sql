-- peer: squawk ban-drop-database
-- out-of-scope: DROP DATABASE cannot run inside a transaction and no migration tool we model sends it; migcheck leaves it to review
drop database analytics;
