#!/usr/bin/env bash
# The production stack on this machine (`make stack`, `make stack-stop`; docs/operations.md, "本机完整部署"):
#
#   nginx 127.0.0.1:8080 ─→ gunicorn "a" 127.0.0.1:8081 (4 workers, deploy/gunicorn.conf.py)
#   nginx 127.0.0.1:8089 ─→ gunicorn "b" 127.0.0.1:8082 (2 workers): a second app server, same database,
#                           Redis and media folder (the stack tests upload through one and download through the other)
#   PostgreSQL 127.0.0.1:5432, database gongkai_stack (owner gongkai_owner, runtime role gongkai_app)
#   Redis 127.0.0.1:6379 database 5 (cache: rate limits, one-time questions)
#   `gongkai worker` and `gongkai scheduler`
#
# Everything it writes is under var/stack/ (pid files, logs, the generated nginx.conf, media, static, mails,
# the generated keys). `stop` ends exactly the processes whose pid files it wrote, after checking that each
# pid is still the process it started.
#
#   deploy/stack.sh start | stop | status | env
#   deploy/stack.sh worker-kill       # SIGKILL the background worker (the stack tests: a worker dying mid-batch)
#   deploy/stack.sh worker-start      # start it again
#   deploy/stack.sh manage ARGS...    # a `gongkai` command with the stack's settings
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STACK="$ROOT/var/stack"
BIN="$ROOT/.venv/bin"
PG_HOST=127.0.0.1
PG_PORT=5432
DB=${GONGKAI_STACK_DB:-gongkai_stack}
REDIS_DB=${GONGKAI_STACK_REDIS_DB:-5}
PORT=8080          # nginx → app "a"
PORT_B=8089        # nginx → app "b"
APP_A=127.0.0.1:8081
APP_B=127.0.0.1:8082
URL="http://127.0.0.1:$PORT"

say() { echo "stack: $*"; }

load_env() {
  mkdir -p "$STACK"/{log,media,static,mail,tmp}
  # Keys generated once per stack (never the demo ones: the stack runs with GONGKAI_DEMO off).
  if [ ! -s "$STACK/keys.env" ]; then
    FRESH_KEYS=1  # a database left by another checkout's stack is unreadable with these keys: ensure_database drops it
    "$BIN/python" - >"$STACK/keys.env" <<'PY'
import secrets
from cryptography.fernet import Fernet
print(f"GONGKAI_SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"GONGKAI_FIELD_KEYS={Fernet.generate_key().decode()}")
print(f"GONGKAI_AUDIT_CHAIN_KEY={secrets.token_urlsafe(48)}")
print(f"GONGKAI_IDENTITY_HASH_KEY={secrets.token_urlsafe(48)}")
PY
    chmod 600 "$STACK/keys.env"
  fi
  set -a
  # shellcheck disable=SC1091
  . "$STACK/keys.env"
  GONGKAI_DEMO=0
  DATABASE_URL="postgres://gongkai_app@$PG_HOST:$PG_PORT/$DB"
  GONGKAI_MIGRATE_DATABASE_URL="postgres://gongkai_owner@$PG_HOST:$PG_PORT/$DB"
  GONGKAI_DB_CONN_MAX_AGE=60
  GONGKAI_REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
  GONGKAI_SITE_URL="$URL"
  GONGKAI_ALLOWED_HOSTS=127.0.0.1,localhost
  GONGKAI_CSRF_TRUSTED_ORIGINS="$URL,http://127.0.0.1:$PORT_B"
  GONGKAI_TRUSTED_PROXY_COUNT=1          # nginx appends $remote_addr to X-Forwarded-For
  GONGKAI_SECURE_COOKIES=0               # plain http on the loopback (production: HTTPS, the default)
  GONGKAI_MEDIA_ROOT="$STACK/media"
  GONGKAI_STATIC_ROOT="$STACK/static"
  GONGKAI_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
  GONGKAI_EMAIL_FILE_PATH="$STACK/mail"
  GONGKAI_SEARCH_INDEX_DIR="$STACK/search-index"  # the tantivy index (search on PostgreSQL): the worker writes, web reads
  GONGKAI_TASKS_BACKEND=database
  GONGKAI_JOB_STALE_MINUTES=0.25         # a killed worker's job is taken up again after 15 s (default 15 minutes)
  GONGKAI_SCHEDULER_INTERVAL_SECONDS=5   # the scheduler looks for due and stale jobs every 5 s (default 30)
  GONGKAI_WEB_WORKERS=4
  MPLCONFIGDIR="$STACK/matplotlib"
  TMPDIR="$STACK/tmp"
  set +a
}

# pid file → pid, when that process is alive and still the one we started (its command line holds $2).
live_pid() {
  local file="$STACK/$1.pid" pid
  [ -s "$file" ] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2" || return 1
  echo "$pid"
}

ensure_database() {
  pg_isready -q -h $PG_HOST -p $PG_PORT || { echo "!!! PostgreSQL 未在 $PG_HOST:$PG_PORT 运行"; exit 1; }
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "!!! Redis 未在 127.0.0.1:6379 运行"; exit 1; }
  # The two roles of docs/operations.md §3 (no passwords: the loopback is trusted here), the database owned
  # by gongkai_owner, and the default privileges that give gongkai_app every table migrate creates.
  if [ "${FRESH_KEYS:-0}" = "1" ] && psql -h $PG_HOST -p $PG_PORT -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    say "新生成了密钥：删除旧的数据库 $DB（其加密字段和审计链用的是另一套密钥）"
    psql -h $PG_HOST -p $PG_PORT -U postgres -d postgres -v ON_ERROR_STOP=1 -q -c "DROP DATABASE \"$DB\" WITH (FORCE)"
  fi
  psql -h $PG_HOST -p $PG_PORT -U postgres -d postgres -v ON_ERROR_STOP=1 -q -v db="$DB" <<'SQL'
DO $$ BEGIN CREATE ROLE gongkai_owner LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE gongkai_app LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
SELECT format('CREATE DATABASE %I OWNER gongkai_owner', :'db')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
  psql -h $PG_HOST -p $PG_PORT -U postgres -d "$DB" -v ON_ERROR_STOP=1 -q <<'SQL'
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO gongkai_app;
ALTER DEFAULT PRIVILEGES FOR ROLE gongkai_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO gongkai_app;
ALTER DEFAULT PRIVILEGES FOR ROLE gongkai_owner IN SCHEMA public GRANT USAGE ON SEQUENCES TO gongkai_app;
SQL
}

prepare() {
  say "迁移数据库 $DB（以 gongkai_owner）"
  "$BIN/gongkai" migrate --no-input -v 0
  # The grants of docs/operations.md §3 "迁移之后", as the owner (audit/roles.py keeps them equal).
  "$BIN/python" -c 'from audit.roles import runtime_grants_sql; print("\n".join(runtime_grants_sql("gongkai_app")))' \
    | psql -h $PG_HOST -p $PG_PORT -U gongkai_owner -d "$DB" -v ON_ERROR_STOP=1 -q
  say "收集静态文件"
  "$BIN/gongkai" collectstatic --no-input -v 0
  say "载入演示县（已有数据时跳过）"
  "$BIN/gongkai" demo --profile county --if-empty --force
}

write_nginx_conf() {
  local user=""
  [ "$(id -u)" = "0" ] && user="user root;"   # the workers read var/stack/static in this checkout
  cat >"$STACK/nginx.conf" <<NGINX
# Generated by deploy/stack.sh — the site of deploy/nginx/gongkai.conf on the loopback, without TLS.
$user
worker_processes 2;
pid $STACK/nginx.pid;
error_log $STACK/log/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $STACK/tmp/nginx-body;
    proxy_temp_path $STACK/tmp/nginx-proxy;
    fastcgi_temp_path $STACK/tmp/nginx-fastcgi;
    uwsgi_temp_path $STACK/tmp/nginx-uwsgi;
    scgi_temp_path $STACK/tmp/nginx-scgi;
    log_format stack '\$remote_addr "\$request" \$status \$body_bytes_sent \$request_time upstream=\$upstream_addr';
    access_log $STACK/log/nginx-access.log stack;
    sendfile on;
    client_max_body_size 200m;
    client_body_timeout 120s;

    upstream gongkai_a { server $APP_A; keepalive 16; }
    upstream gongkai_b { server $APP_B; keepalive 16; }

    server {
        listen 127.0.0.1:$PORT;
        server_name 127.0.0.1 localhost;
        location /static/ {
            alias $STACK/static/;
            gzip_static on;
            expires 1y;
            add_header Cache-Control "public, immutable";
            access_log off;
        }
        location / {
            proxy_pass http://gongkai_a;
            include $STACK/proxy.conf;
        }
    }
    server {
        listen 127.0.0.1:$PORT_B;
        server_name 127.0.0.1 localhost;
        location /static/ { alias $STACK/static/; access_log off; }
        location / {
            proxy_pass http://gongkai_b;
            include $STACK/proxy.conf;
        }
    }
}
NGINX
  # As deploy/nginx/gongkai.conf: the client's own X-Forwarded-For entries are kept but never believed (the
  # application takes the last entry, the one nginx appends: \$remote_addr).
  cat >"$STACK/proxy.conf" <<'NGINX'
proxy_http_version 1.1;
proxy_set_header Connection "";
proxy_set_header Host $http_host;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto $scheme;
proxy_set_header X-Forwarded-Host "";
proxy_connect_timeout 5s;
proxy_send_timeout 130s;
proxy_read_timeout 130s;
proxy_request_buffering on;
proxy_buffering on;
NGINX
}

start_gunicorn() {  # name bind workers
  local name=$1 bind=$2 workers=$3
  if live_pid "gunicorn-$name" "gunicorn" >/dev/null; then say "gunicorn $name 已在运行"; return; fi
  # The access log names the worker process (pid=%(p)s) that answered: the stack tests show several did.
  GONGKAI_WEB_WORKERS=$workers "$BIN/gunicorn" -c deploy/gunicorn.conf.py --bind "$bind" --workers "$workers" \
    --pid "$STACK/gunicorn-$name.pid" --daemon \
    --access-logfile "$STACK/log/gunicorn-$name-access.log" --error-logfile "$STACK/log/gunicorn-$name.log" \
    --access-logformat '%(h)s pid=%(p)s "%(r)s" %(s)s %(M)sms'
}

start_background() {  # name, then the gongkai command
  local name=$1; shift
  if live_pid "$name" "gongkai $*" >/dev/null; then say "$name 已在运行"; return; fi
  setsid "$BIN/gongkai" "$@" >>"$STACK/log/$name.log" 2>&1 </dev/null &
  echo $! >"$STACK/$name.pid"
}

wait_http() {  # url
  for _ in $(seq 1 60); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "!!! $1 无响应（日志：var/stack/log/）"; return 1
}

start() {
  load_env
  ensure_database
  prepare
  write_nginx_conf
  start_gunicorn a "$APP_A" 4
  start_gunicorn b "$APP_B" 2
  start_background worker worker
  start_background scheduler scheduler
  if ! live_pid nginx "nginx" >/dev/null; then
    nginx -t -q -c "$STACK/nginx.conf" -p "$STACK"
    nginx -c "$STACK/nginx.conf" -p "$STACK"
  fi
  wait_http "$URL/"
  wait_http "http://127.0.0.1:$PORT_B/"
  echo
  echo "Gongkai 已启动：$URL/   （第二个应用服务器：http://127.0.0.1:$PORT_B/）"
  echo "nginx → gunicorn（4 个工作进程）→ PostgreSQL $DB + Redis db $REDIS_DB；后台任务进程和调度进程在运行。"
  echo "日志：var/stack/log/；邮件：var/stack/mail/；停止：make stack-stop"
  "$BIN/gongkai" demo --print-logins --base-url "$URL/" --force
}

stop_one() {  # name, command-line fragment, signal
  local pid
  if pid=$(live_pid "$1" "$2"); then
    kill -s "${3:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
    if [ -d "/proc/$pid" ]; then kill -s KILL "$pid" 2>/dev/null || true; fi
    say "已停止 $1（pid $pid）"
  fi
  rm -f "$STACK/$1.pid"
}

stop() {
  [ -d "$STACK" ] || return 0
  stop_one nginx "nginx" QUIT
  stop_one gunicorn-a "gunicorn" TERM
  stop_one gunicorn-b "gunicorn" TERM
  stop_one worker "gongkai worker" TERM
  stop_one scheduler "gongkai scheduler" TERM
}

status() {
  local name fragment
  for entry in nginx:nginx gunicorn-a:gunicorn gunicorn-b:gunicorn "worker:gongkai worker" "scheduler:gongkai scheduler"; do
    name=${entry%%:*}; fragment=${entry#*:}
    if pid=$(live_pid "$name" "$fragment"); then echo "$name: 运行中（pid $pid）"; else echo "$name: 未运行"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) load_env; env | grep -E '^(GONGKAI_|DATABASE_URL)' | grep -v -E 'KEY' | sort ;;
  worker-kill) stop_one worker "gongkai worker" KILL ;;
  worker-start) load_env; start_background worker worker ;;
  manage) shift; load_env; exec "$BIN/gongkai" "$@" ;;
  *) echo "用法：deploy/stack.sh start|stop|status|env|worker-kill|worker-start|manage ARGS"; exit 2 ;;
esac
