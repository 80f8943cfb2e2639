'use strict';
// The metadata backend the test servers run on, and direct access to their databases.
//
// - LIVEREC_TEST_BACKEND=postgres: every server the harness starts (startServer) gets a database
//   of its own, `liverec_t_<pid>_<random>`, made with the psql CLI on the test server: the URL in
//   LIVEREC_TEST_POSTGRES_URL, or else the one in <LIVEREC_TEST_POSTGRES_DIR>/url, which
//   scripts/test-postgres.sh writes (CTest starts that cluster once: tests/README.md
//   "PostgreSQL"). Without either, making a database throws: a test meant for PostgreSQL never
//   runs on SQLite instead. The database is dropped when the server's temp dir goes (stop()), or
//   when the test file's process exits.
// - Unset or `sqlite`: the server's own SQLite file, <data dir>/liverec.db, as by default.
// - rows(db, sql) and exec(db, sql) run SQL on either, db being {backend, dataDir, url}: rows
//   returns the rows of a query as plain objects (numbers as JSON numbers on both backends);
//   exec runs one writing statement and returns how many rows it changed. The SQL must be
//   portable (the schema is: src/metadata/migrations.cc).

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const BACKEND = process.env.LIVEREC_TEST_BACKEND || 'sqlite';
if (BACKEND !== 'sqlite' && BACKEND !== 'postgres') {
  throw new Error(`LIVEREC_TEST_BACKEND must be sqlite or postgres, not ${JSON.stringify(BACKEND)}`);
}

const CLI_TIMEOUT_MS = 15000;

// The test PostgreSQL server's URL (its maintenance database); throws when there is none.
function serverUrl() {
  if (process.env.LIVEREC_TEST_POSTGRES_URL) return process.env.LIVEREC_TEST_POSTGRES_URL;
  const dir = process.env.LIVEREC_TEST_POSTGRES_DIR;
  if (!dir) {
    throw new Error('LIVEREC_TEST_BACKEND=postgres needs LIVEREC_TEST_POSTGRES_URL or ' +
      'LIVEREC_TEST_POSTGRES_DIR (scripts/test-postgres.sh start <dir>; tests/README.md)');
  }
  const file = path.join(dir, 'url');
  if (!fs.existsSync(file)) {
    throw new Error(`LIVEREC_TEST_BACKEND=postgres: no cluster URL in ${file} ` +
      '(is the CTest fixture postgres running? scripts/test-postgres.sh start <dir>)');
  }
  return fs.readFileSync(file, 'utf8').trim();
}

// Runs psql on `url` with `sql`; returns its stdout: the rows unaligned, one a line, or else
// (tag) the command tag (UPDATE 2). -X: no ~/.psqlrc; -w: never prompts for a password.
function psql(url, sql, { tag = false } = {}) {
  const args = ['-X', '-w', '-v', 'ON_ERROR_STOP=1', ...(tag ? [] : ['-q', '-A', '-t']),
    '-d', url, '-c', sql];
  const r = spawnSync('psql', args, { encoding: 'utf8', timeout: CLI_TIMEOUT_MS });
  if (r.error) throw new Error(`psql failed: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`psql failed (${r.status}): ${r.stderr}\nSQL: ${sql}`);
  return r.stdout;
}

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const created = new Map(); // name -> maintenance URL, for the drop at exit

// Makes a fresh, empty database on the test server; returns {name, url}.
function createDatabase() {
  const admin = serverUrl();
  const name = `liverec_t_${process.pid}_${crypto.randomBytes(5).toString('hex')}`;
  psql(admin, `CREATE DATABASE ${name}`);
  created.set(name, admin);
  return { name, url: withDatabase(admin, name) };
}

// Drops a database made by createDatabase (best effort: the cluster is thrown away anyway).
function dropDatabase(name) {
  const admin = created.get(name) || serverUrl();
  created.delete(name);
  spawnSync('psql', ['-X', '-w', '-q', '-d', admin, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`],
    { stdio: 'ignore', timeout: CLI_TIMEOUT_MS });
}

process.on('exit', () => {
  for (const name of [...created.keys()]) dropDatabase(name);
});

function sqliteFile(db) {
  return path.join(db.dataDir, 'liverec.db');
}

function rows(db, sql) {
  if (db.backend === 'postgres') {
    const out = psql(db.url, `SELECT row_to_json(t) FROM (${sql}) t`);
    return out.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
  }
  const r = spawnSync('sqlite3', ['-json', '-readonly', sqliteFile(db), sql],
    { encoding: 'utf8', timeout: CLI_TIMEOUT_MS });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}\nSQL: ${sql}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

function exec(db, sql) {
  if (db.backend === 'postgres') {
    // The command tag: UPDATE n, DELETE n, INSERT 0 n.
    const out = psql(db.url, sql, { tag: true }).trim();
    const m = /^(?:UPDATE|DELETE|INSERT \d+) (\d+)$/m.exec(out);
    if (!m) throw new Error(`psql: no row count in ${JSON.stringify(out)}\nSQL: ${sql}`);
    return Number(m[1]);
  }
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', sqliteFile(db), `${sql};\nSELECT changes();`],
    { encoding: 'utf8', timeout: CLI_TIMEOUT_MS });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}\nSQL: ${sql}`);
  return Number(r.stdout.trim().split('\n').pop());
}

module.exports = { BACKEND, serverUrl, createDatabase, dropDatabase, rows, exec };
