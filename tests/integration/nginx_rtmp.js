'use strict';
// nginx-rtmp (Debian's nginx + libnginx-mod-rtmp) as a real peer: a relay source and destination
// that records every stream it receives (`record all`, one FLV per publish). Runs from a private
// prefix on 127.0.0.1 only; every wait is bounded.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

// A TCP port free on 127.0.0.1 right now (nginx cannot tell which port 0 became).
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

// Starts nginx-rtmp; resolves {port, url(app, stream), recordings(prefix), stop()}.
async function startNginxRtmp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-nginx-'));
  const records = path.join(dir, 'rec');
  fs.mkdirSync(records);
  const port = await freePort();
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `load_module ${MODULE};
daemon off;
${asRoot ? 'user root;' : ''}
worker_processes 1;
error_log ${dir}/error.log info;
pid ${dir}/nginx.pid;
events { worker_connections 256; }
rtmp {
  server {
    listen 127.0.0.1:${port};
    application live {
      live on;
      record all;
      record_path ${records};
      record_unique on;
    }
  }
}
`);
  const child = spawn('nginx', ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  let exited = false;
  const exit = new Promise((resolve) => child.on('exit', () => { exited = true; resolve(); }));
  const until = Date.now() + 10000;
  while (!(await canConnect(port))) {
    if (exited || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`nginx-rtmp did not start on ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    dir,
    url: (app, stream) => `rtmp://127.0.0.1:${port}/${app}/${stream}`,
    // The FLV files recorded for streams whose name starts with `stream` (record_unique adds a
    // suffix), oldest first.
    recordings: (stream) => fs.readdirSync(records).filter((f) => f.startsWith(`${stream}-`) && f.endsWith('.flv'))
      .map((f) => path.join(records, f)).sort(),
    // Stops nginx and removes its directory with the recordings (read them before).
    async stop() {
      if (!exited) {
        child.kill('SIGQUIT');  // graceful: finishes the recordings
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startNginxRtmp, freePort };
