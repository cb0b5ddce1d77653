#!/bin/sh
set -e
npx knex migrate:latest --knexfile db/knexfile.js
exec node dist/index.js
