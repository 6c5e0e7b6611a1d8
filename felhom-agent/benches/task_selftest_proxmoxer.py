#!/usr/bin/env python3
"""The proxmoxer side of the task-selftest benchmark (task_selftest.py starts it).

Does what `felhom-agent --selftest=task --vmid N` does to the guest, with proxmoxer 2.3.0:
snapshot, rollback, delete-snapshot, each waited for with Tasks.blocking_status at its default
1 s polling interval, each checked for exitstatus OK. Prints one JSON line with the seconds
from the first POST to the last task's end. The token secret comes from the environment
variable BENCH_TOKEN_SECRET, never from the command line.
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
    parser.add_argument('--snapname', required=True)
    args = parser.parse_args()

    user, _, token_name = args.token_id.partition('!')
    pve = ProxmoxAPI(args.host, port=args.port, user=user, token_name=token_name,
                     token_value=os.environ['BENCH_TOKEN_SECRET'], verify_ssl=args.ca)
    ct = pve.nodes(args.node).lxc(args.vmid)
    started = time.monotonic()
    for start in (lambda: ct.snapshot.post(snapname=args.snapname),
                  lambda: ct.snapshot(args.snapname).rollback.post(),
                  lambda: ct.snapshot(args.snapname).delete()):
        upid = start()
        status = Tasks.blocking_status(pve, upid)
        if not status or status.get('exitstatus') != 'OK':
            print('task {0} did not end OK: {1}'.format(upid, status), file=sys.stderr)
            return 1
    print(json.dumps({'elapsed': time.monotonic() - started}), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
