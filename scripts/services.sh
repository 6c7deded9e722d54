#!/usr/bin/env bash
# Start the local servers the tests use (PostgreSQL, MariaDB, Redis, RabbitMQ) if they are down.
set -uo pipefail
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 60); do up "$1" && return 0; sleep 1; done; echo "port $1 did not open" >&2; return 1; }
if ! up 5432; then pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start; fi
if ! up 6379; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if ! up 3306; then start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd; fi
if ! up 5672; then rabbitmq-server -detached; fi
for p in 5432 6379 3306 5672; do wait_port "$p" || exit 1; done
