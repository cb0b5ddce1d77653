#!/bin/sh
set -e
echo "booting"
/srv/bin/wait-for-db
exec node server.js
