#!/usr/bin/env python3
"""Benchmark: `felhom-agent --selftest=task` against the same three steps with proxmoxer.

    .venv-fakepve/bin/pip install proxmoxer==2.3.0 requests
    cargo build --release -p felhom-agent
    .venv-fakepve/bin/python felhom-agent/benches/task_selftest.py [--rounds 10] [--secs 0 1]

For each task length in --secs (PVE seconds each of snapshot, rollback and delete-snapshot
run; fakepve at time_scale 1, so PVE seconds are real seconds) it starts one fakepve `tasks`
scenario and runs both sides --rounds times, interleaved (the order alternates each round),
against container 201. Both run as the operator runs them, one process per run: the wall time
of the agent binary, and of the proxmoxer script (including the interpreter start, which the
script's own figure excludes). Prints medians and the ratio; nothing is asserted.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
SCENARIO = os.path.join(ROOT, 'tests', 'fakepve', 'scenario.py')
PROXMOXER = os.path.join(HERE, 'task_selftest_proxmoxer.py')


def start_fakepve(secs):
    args = [sys.executable, SCENARIO, 'tasks', '--time-scale', '1']
    for kind in ('snapshot', 'rollback', 'delsnapshot'):
        args += ['--ct-secs', '{0}={1}'.format(kind, secs)]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ready = json.loads(proc.stdout.readline())
    return proc, ready


def run_agent(agent, ready, vmid):
    env = {
        'FELHOM_AGENT_PROXMOX_ENDPOINT': ready['url'],
        'FELHOM_AGENT_PROXMOX_NODE': ready['node'],
        'FELHOM_AGENT_PROXMOX_TOKEN': '{0}={1}'.format(ready['token_id'], ready['token_secret']),
        'FELHOM_AGENT_PROXMOX_TLS_CA_FILE': ready['ca_pem_path'],
        'FELHOM_AGENT_LOG_LEVEL': 'error',
    }
    started = time.monotonic()
    done = subprocess.run([agent, '--selftest=task', '--vmid', str(vmid), '--output', 'json'],
                          env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit('agent run failed ({0}): {1}'.format(done.returncode, done.stdout + done.stderr))
    return elapsed


def run_proxmoxer(ready, vmid, round_no):
    env = dict(os.environ, BENCH_TOKEN_SECRET=ready['token_secret'])
    args = [sys.executable, PROXMOXER, '--host', ready['host'], '--port', str(ready['port']),
            '--ca', ready['ca_pem_path'], '--token-id', ready['token_id'], '--node', ready['node'],
            '--vmid', str(vmid), '--snapname', 'bench_proxmoxer_{0}'.format(round_no)]
    started = time.monotonic()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit('proxmoxer run failed: ' + done.stderr)
    return elapsed, json.loads(done.stdout)['elapsed']


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=10)
    parser.add_argument('--secs', type=float, nargs='+', default=[0.0, 1.0])
    parser.add_argument('--agent', default=os.path.join(ROOT, 'target', 'release', 'felhom-agent'))
    parser.add_argument('--vmid', type=int, default=201)
    args = parser.parse_args()

    print('| task length (each of 3) | rounds | agent median (s) | proxmoxer median (s) | proxmoxer in-script median (s) | ratio (proxmoxer / agent) |')
    print('|---|---|---|---|---|---|')
    for secs in args.secs:
        proc, ready = start_fakepve(secs)
        try:
            agent, pmx, pmx_inner = [], [], []
            for i in range(args.rounds):
                if i % 2 == 0:
                    agent.append(run_agent(args.agent, ready, args.vmid))
                    outer, inner = run_proxmoxer(ready, args.vmid, i)
                else:
                    outer, inner = run_proxmoxer(ready, args.vmid, i)
                    agent.append(run_agent(args.agent, ready, args.vmid))
                pmx.append(outer)
                pmx_inner.append(inner)
            a, p, pi = statistics.median(agent), statistics.median(pmx), statistics.median(pmx_inner)
            print('| {0:g} s | {1} | {2:.3f} | {3:.3f} | {4:.3f} | {5:.2f}x |'.format(secs, args.rounds, a, p, pi, p / a), flush=True)
        finally:
            proc.stdin.close()
            proc.wait(timeout=10)


if __name__ == '__main__':
    main()
