#!/usr/bin/env python3
"""The proxmoxer side of the upload benchmark (tests/benches/upload.rs starts it).

Uploads one file with proxmoxer 2.3.0 (`nodes(n).storage(s).upload.post`) to the benchmark's
local HTTPS sink (certificate not verified, as curl -k), then prints one line: the seconds the
post took, the interpreter's peak resident memory in KiB and its CPU seconds. The token secret comes from the
environment variable UPLOAD_BENCH_TOKEN_SECRET, never from the command line.
"""

import argparse
import os
import resource
import time
import warnings

from proxmoxer import ProxmoxAPI


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--token-id', required=True, help='user@realm!name')
    parser.add_argument('--file', required=True)
    args = parser.parse_args()
    warnings.simplefilter('ignore')  # the unverified certificate, on every request

    user, _, token_name = args.token_id.partition('!')
    pve = ProxmoxAPI('127.0.0.1', port=args.port, user=user, token_name=token_name,
                     token_value=os.environ['UPLOAD_BENCH_TOKEN_SECRET'], verify_ssl=False)
    with open(args.file, 'rb') as f:
        started = time.monotonic()
        pve.nodes('pve1').storage('local').upload.post(content='iso', filename=f)
        seconds = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f'seconds={seconds} peak_kib={usage.ru_maxrss} cpu={usage.ru_utime + usage.ru_stime}')


if __name__ == '__main__':
    main()
