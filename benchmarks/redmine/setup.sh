#!/bin/sh
# Redmine 5 from Debian's packages, under puma with 3 single-threaded workers (as the tracker runs
# under gunicorn with 3 sync workers), on the same PostgreSQL, loaded with the load benchmark's data
# set. Run as root; then `python benchmarks/bench_web.py --redmine-port 3000` sets its issue list and
# issue pages beside the tracker's pages in the same run. See docs/benchmarks.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
echo "redmine redmine/instances/default/dbconfig-install boolean false" | debconf-set-selections
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redmine redmine-pgsql puma
cat > /etc/redmine/default/database.yml <<'YAML'
production:
  adapter: postgresql
  database: redmine_default
  host: 127.0.0.1
  port: 5432
  username: postgres
  encoding: utf8
YAML
psql -h 127.0.0.1 -U postgres -tc "select 1 from pg_database where datname = 'redmine_default'" \
  | grep -q 1 || psql -h 127.0.0.1 -U postgres -c "create database redmine_default"
cd /usr/share/redmine
export RAILS_ENV=production REDMINE_LANG=en
bundle exec rake db:migrate
bundle exec rake redmine:load_default_data
bundle exec rails runner "$here/setup.rb"
psql -h 127.0.0.1 -U postgres -d redmine_default -q -f "$here/load.sql"
mkdir -p "$here/../.data"
nohup puma -e production -w 3 -t 1:1 -b tcp://127.0.0.1:3000 config.ru \
  > "$here/../.data/redmine-puma.log" 2>&1 &
echo "Redmine is starting on http://127.0.0.1:3000 (log-in manager / bench-pass-123)"
