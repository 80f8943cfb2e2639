'use strict';
// /proc readings shared by the benchmarks: CPU ticks (utime + stime, all threads), memory
// (VmRSS, Pss), the machine's busy/idle ticks, child pids, and a pid found by an argument.
const fs = require('node:fs');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

// utime + stime (fields 14, 15 of proc(5) /proc/PID/stat) in ticks; null if the process is gone.
function cpuTicks(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch { return null; }
}

function memKb(pid) {
  const out = { rssKb: null, pssKb: null };
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) out.rssKb = Number(m[1]);
    const p = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    if (p) out.pssKb = Number(p[1]);
  } catch { /* gone */ }
  return out;
}

function machineCpu() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal: steal || 0 };
}

function childPids(ppid) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === ppid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

// The pid of the process whose argv contains `arg` exactly.
function findPidByArg(arg) {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(arg)) return Number(d);
    } catch { /* gone */ }
  }
  return null;
}

const loadavg = () => os.loadavg().map((x) => Number(x.toFixed(2)));

module.exports = { CLK_TCK, cpuTicks, memKb, machineCpu, childPids, findPidByArg, loadavg };
