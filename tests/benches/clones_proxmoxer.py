#!/usr/bin/env python3
"""The proxmoxer side of the clone benchmark (tests/benches/clones.rs starts it).

Each line read from stdin is one run: "<first new vmid> <count> <naive|retry>". The run clones
LXC template --source <count> times at once, one thread per clone (proxmoxer 2.3.0 is
synchronous), each posting the clone and waiting for its task with Tasks.blocking_status
(polling every 0.1 s). "retry" posts again after an error whose text says the guest is locked
or a lock timed out, as a careful proxmoxer user would write it. Prints one JSON line per run:
seconds, clones completed, failures. The token secret comes from the environment variable
CLONES_BENCH_TOKEN_SECRET, never from the command line.
"""

import argparse
import json
import os
import random
import sys
import threading
import time

from proxmoxer import ProxmoxAPI
from proxmoxer.tools import Tasks

LOCK_TEXTS = (' is locked (', 'got timeout')


def clone(pve, node, source, newid, retry, out):
    ct = pve.nodes(node).lxc(source)
    delay = 0.02
    while True:
        try:
            upid = ct.clone.post(newid=newid, full=1)
        except Exception as e:  # noqa: BLE001 - proxmoxer raises ResourceException and requests' errors
            if retry and any(t in str(e) for t in LOCK_TEXTS):
                time.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, 0.5)
                continue
            out.append(False)
            return
        status = Tasks.blocking_status(pve, upid, polling_interval=0.1)
        text = (status or {}).get('exitstatus', '')
        if text == 'OK':
            out.append(True)
            return
        if retry and any(t in text for t in LOCK_TEXTS):
            continue
        out.append(False)
        return


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', required=True)
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--ca', required=True)
    parser.add_argument('--token-id', required=True)
    parser.add_argument('--node', required=True)
    parser.add_argument('--source', type=int, required=True)
    args = parser.parse_args()
    user, _, token_name = args.token_id.partition('!')
    pve = ProxmoxAPI(args.host, port=args.port, user=user, token_name=token_name,
                     token_value=os.environ['CLONES_BENCH_TOKEN_SECRET'], verify_ssl=args.ca)
    for line in sys.stdin:
        words = line.split()
        if len(words) != 3:
            continue
        first, count, mode = int(words[0]), int(words[1]), words[2]
        out = []
        started = time.monotonic()
        threads = [threading.Thread(target=clone, args=(pve, args.node, args.source, first + i,
                                                        mode == 'retry', out))
                   for i in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        print(json.dumps({'secs': elapsed, 'completed': sum(out), 'failures': len(out) - sum(out)}),
              flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
