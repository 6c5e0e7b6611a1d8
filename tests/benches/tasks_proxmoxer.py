#!/usr/bin/env python3
"""The proxmoxer side of the tasks benchmark (tests/benches/tasks.rs starts it).

For each snapshot name read from stdin, posts an LXC snapshot task to a fakepve server and
waits for it with proxmoxer's Tasks.blocking_status at its default 1 s polling interval, then
prints one JSON line: seconds from just before the POST to blocking_status returning, the
POST's own round trip, and the number of task status requests. The token secret comes from
the environment variable TASKS_BENCH_TOKEN_SECRET, never from the command line.
"""

import argparse
import json
import os
import sys
import time

from proxmoxer import ProxmoxAPI
from proxmoxer.tools import Tasks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', required=True)
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--ca', required=True, help='CA PEM file to verify the server with')
    parser.add_argument('--token-id', required=True, help='user@realm!name')
    parser.add_argument('--node', required=True)
    parser.add_argument('--vmid', type=int, required=True)
    args = parser.parse_args()

    user, _, token_name = args.token_id.partition('!')
    pve = ProxmoxAPI(args.host, port=args.port, user=user, token_name=token_name,
                     token_value=os.environ['TASKS_BENCH_TOKEN_SECRET'], verify_ssl=args.ca)

    status_requests = [0]

    def count(response, *_args, **_kwargs):
        if response.request.method == 'GET' and response.request.path_url.endswith('/status'):
            status_requests[0] += 1
    pve._store['session'].hooks['response'].append(count)

    ct = pve.nodes(args.node).lxc(args.vmid)
    # One run per snapshot name read from stdin, so the Rust side can set each task's length
    # and interleave these runs with its own.
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        status_requests[0] = 0
        started = time.monotonic()
        upid = ct.snapshot.post(snapname=name)
        posted = time.monotonic() - started
        status = Tasks.blocking_status(pve, upid)
        elapsed = time.monotonic() - started
        if not status or status.get('exitstatus') != 'OK':
            print('task {0} did not end OK: {1}'.format(upid, status), file=sys.stderr)
            return 1
        print(json.dumps({'elapsed': elapsed, 'post': posted, 'polls': status_requests[0]}), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
