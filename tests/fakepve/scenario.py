#!/usr/bin/env python3
"""Start fakepve with a named scenario for the end-to-end tests of this workspace.

Usage:  scenario.py NAME [options]        (scenario.py --list shows the scenarios)

fakepve (PyPI `fakepve[crypto]==0.5.0`, AGPL) is an external test tool: it is installed into a
virtualenv at test time (see test.sh) and only driven through its public Python API here.

Protocol with the test harness (tests/src/fakepve.rs):
  * stdout carries exactly one JSON object per line. The first line is the "ready" line, printed
    once the server listens: address, certificate, credentials and scenario facts. It is the only
    place secrets are ever written; nothing else (stderr included) names them.
  * After that, each line written to stdin is a JSON control command, e.g.
    {"op": "fail", "method": "GET", "path": "/nodes/pve1/status", "status": 503, "times": 1},
    answered by one line {"ok": true, "result": ...} or {"ok": false, "error": "..."}.
  * The answer to {"op": "issued_tickets"} is the one other place secrets travel: the tickets and
    CSRF tokens fakepve issued so far, for the test that proves none of them reaches a log.
  * The server stops on SIGTERM/SIGINT, or when stdin reaches EOF if stdin is a pipe (so it dies
    with the test process that spawned it).

Adding a scenario: write `def my_scenario(pve, ctx)` decorated with `@scenario('name', 'help')`.
It may call other scenarios (e.g. `basic(pve, ctx)`), add guests, tokens (`ctx.token`), grants,
timings and faults, and put facts the tests need into `ctx.extra`. Times are PVE seconds;
`pve.time_scale` turns them into real seconds (0 = every task finishes inside its POST).
"""

import argparse
import asyncio
import hashlib
import json
import os
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import uuid

# The one privilege set the felhom-agent token holds (seed README, "FelhomAgent" role).
AGENT_PRIVS = (
    'VM.Allocate', 'VM.Audit', 'VM.Config.Disk', 'VM.Config.CPU', 'VM.Config.Memory',
    'VM.Config.Network', 'VM.Config.Options', 'VM.PowerMgmt', 'VM.Snapshot', 'VM.Snapshot.Rollback',
    'VM.Backup', 'Datastore.Allocate', 'Datastore.AllocateSpace', 'Datastore.Audit', 'Sys.Audit',
    'SDN.Use',
)
AGENT_TOKEN = 'felhom-agent@pve!agent'
AUDIT_TOKEN = 'auditor@pve!audit'
UPLOAD_TOKEN = 'uploader@pve!upload'
BACKUP_VOLID = 'local:backup/vzdump-lxc-200-2026_01_15-02_00_00.tar.zst'
TEMPLATE_VOLID = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst'
CT_SECS_KEYS = ('create', 'clone', 'destroy', 'snapshot', 'delsnapshot', 'rollback', 'template',
                'resize', 'migrate')
GUEST_SECS_KEYS = ('start', 'stop', 'shutdown')

SCENARIOS = {}
ISSUED = []  # (ticket, csrf) of every login, for the leak test (see issued_tickets)


def remember_tickets(pve):
    """Wrap pve.issue_ticket so every ticket and CSRF token issued is kept in ISSUED."""
    issue = pve.issue_ticket

    def issue_and_remember(*args, **kwargs):
        ticket, csrf = issue(*args, **kwargs)
        ISSUED.append((ticket, csrf))
        return ticket, csrf
    pve.issue_ticket = issue_and_remember


def scenario(name, summary):
    """Register a scenario builder under name."""
    def register(fn):
        SCENARIOS[name] = (fn, summary)
        return fn
    return register


def log(message):
    """A diagnostic line on stderr. Never pass a secret here."""
    print('scenario: ' + message, file=sys.stderr, flush=True)


class Ctx:
    """What a scenario builds besides the FakePve itself: credentials and facts for the tests."""

    def __init__(self, name, args):
        self.name = name
        self.args = args
        self.node = 'pve1'
        self.tokens = []          # [{"id", "secret", "grants": [{"path", "privs"}]}]
        self.users = []           # [{"user", "password"}]
        self.extra = {}           # scenario facts (no secrets)
        self.after_start = []     # async callables run once the server listens

    def token(self, pve, tokenid, grants=(), user_grants=True):
        """Create an API token with a fresh secret and grant it (and, unless told not to, its user).

        fakepve gives a token the union of its own and its user's grants; PVE's privsep=1 gives the
        intersection. Granting both the same privileges (as the seed README's setup does) makes the
        two agree.
        """
        secret = str(uuid.uuid4())
        pve.apitokens[tokenid] = secret
        user = tokenid.split('!', 1)[0]
        out = []
        for path, privs in grants:
            pve.grant(tokenid, path, *privs)
            if user_grants:
                pve.grant(user, path, *privs)
            out.append({'path': path, 'privs': list(privs)})
        self.tokens.append({'id': tokenid, 'secret': secret, 'grants': out})
        return secret

    def user(self, pve, userid):
        """A user that can log in with a ticket, with a fresh password."""
        password = secrets.token_urlsafe(18)
        pve.users[userid] = password
        self.users.append({'user': userid, 'password': password})
        return password


# ----------------------------------------------------------------------------- scenarios

@scenario('basic', '2 nodes, LXC + QEMU guests, backup + template volumes, agent and audit-only tokens')
def basic(pve, ctx):
    pve.time_scale = 0.01
    pve.add_node('pve2')
    # The agent's typical container: unprivileged, keyctl+nesting, one NIC, rootfs + one mount point.
    pve.add_ct(200, 'web', node='pve1', status='running', config={
        'hostname': 'web', 'ostype': 'debian', 'arch': 'amd64', 'cores': 2, 'memory': 1024, 'swap': 512,
        'rootfs': 'local-lvm:vm-200-disk-0,size=8G', 'mp0': 'local-lvm:vm-200-disk-1,mp=/srv/data,size=16G',
        'net0': 'name=eth0,bridge=vmbr0,hwaddr=BC:24:11:2A:00:C8,ip=dhcp,type=veth',
        'features': 'keyctl=1,nesting=1', 'unprivileged': 1, 'onboot': 1, 'tags': 'felhom'})
    pve.add_ct(201, 'db', node='pve1', status='stopped')
    pve.add_ct(9000, 'golden', node='pve1', status='stopped', template=True,
               config={'features': 'keyctl=1,nesting=1'})
    pve.add_ct(202, 'edge', node='pve2', status='running')
    pve.add_vm(100, 'vm-app', node='pve1', status='running', config={
        'name': 'vm-app', 'ostype': 'l26', 'cores': 2, 'sockets': 1, 'memory': 2048, 'agent': 1,
        'scsi0': 'local-lvm:vm-100-disk-0,size=32G', 'scsihw': 'virtio-scsi-single',
        'net0': 'virtio=BC:24:11:2A:00:64,bridge=vmbr0', 'boot': 'order=scsi0'})
    pve.add_vm(101, 'vm-stopped', node='pve1', status='stopped',
               config={'scsi0': 'local-lvm:vm-101-disk-0,size=8G', 'memory': 1024})
    pve.add_vm(102, 'vm-remote', node='pve2', status='running',
               config={'scsi0': 'local-lvm:vm-102-disk-0,size=8G', 'memory': 1024})
    pve.store_file('local', BACKUP_VOLID.split('/', 1)[1], 734003200, content='backup')
    pve.store_file('local', TEMPLATE_VOLID.split('/', 1)[1], 126877696, content='vztmpl')
    ctx.token(pve, AGENT_TOKEN, [('/', AGENT_PRIVS)])
    ctx.token(pve, AUDIT_TOKEN, [('/', ('VM.Audit',))])
    ctx.extra.update({
        'nodes': sorted(pve.nodes),
        'lxc': {'running': 200, 'stopped': 201, 'template': 9000, 'remote': 202},
        'qemu': {'running': 100, 'stopped': 101, 'remote': 102},
        'storage': {'backup': 'local', 'images': 'local-lvm'},
        'backup_volid': BACKUP_VOLID,
        'template_volid': TEMPLATE_VOLID,
        'free_vmid': 300,
    })


@scenario('tasks', 'basic with LXC tasks that take time (snapshot 10 s, rollback/delete 4 s, ...)')
def tasks(pve, ctx):
    basic(pve, ctx)
    # Quick for tests (10 PVE s = 0.2 real s); benchmarks pass --time-scale 1 --ct-secs snapshot=1.
    pve.time_scale = 0.02
    pve.ct_secs.update(snapshot=10, rollback=4, delsnapshot=4, create=10, destroy=2)
    for vmid in (200, 201, 202):
        ct = pve.ct(vmid)
        ct.start_secs, ct.stop_secs, ct.shutdown_secs = 2, 2, 4
    for vmid in (100, 101, 102):
        vm = pve.vm(vmid)
        vm.start_secs, vm.stop_secs, vm.shutdown_secs = 2, 2, 4


@scenario('clones', 'basic with LXC clones of template 9000 that take 10 PVE s (the clone benchmark)')
def clones(pve, ctx):
    basic(pve, ctx)
    # fakepve's own lock emulation: a clone sets the `disk` lock on its source for the whole
    # task, so concurrent clones of one template meet `CT is locked (disk)` (and the config
    # lock's `got timeout` after lock_wait). 10 PVE s at 0.01 = 0.1 real s per clone.
    pve.time_scale = 0.01
    pve.ct_secs.update(clone=10)
    for grantee in (AGENT_TOKEN, AGENT_TOKEN.split('!', 1)[0]):
        pve.grant(grantee, '/', 'VM.Clone')
    ctx.extra['clone_source'] = 9000


@scenario('acl', 'basic plus narrowly granted tokens (one guest only, no VM.Snapshot*, no VM.PowerMgmt, nothing)')
def acl(pve, ctx):
    basic(pve, ctx)
    role_without = lambda prefix: tuple(p for p in AGENT_PRIVS if not p.startswith(prefix))  # noqa: E731
    narrow = {
        # The agent role on one container only, and audit on the backup storage.
        'one_guest': ('scoped@pve!ct200', [('/vms/200', AGENT_PRIVS), ('/storage/local', ('Datastore.Audit',))]),
        # Rollback needs VM.Snapshot OR VM.Snapshot.Rollback, so both go for a rollback 403.
        'no_snapshot': ('nosnapshot@pve!agent', [('/', role_without('VM.Snapshot'))]),
        'no_power': ('nopower@pve!agent', [('/', role_without('VM.PowerMgmt'))]),
        'no_grants': ('nogrant@pve!agent', []),
    }
    for tokenid, grants in narrow.values():
        ctx.token(pve, tokenid, grants)
    ctx.extra['acl_tokens'] = dict((purpose, tokenid) for purpose, (tokenid, _) in narrow.items())
    ctx.extra['login_user'] = 'felhom-agent@pve'
    ctx.user(pve, 'felhom-agent@pve')


@scenario('faults', 'basic plus scripted failures (see extra.faults in the ready line)')
def faults(pve, ctx):
    basic(pve, ctx)
    pve.add_node('pve3', online=False)
    pve.add_ct(203, 'locked', node='pve1', status='stopped', lock='backup')
    pve.add_ct(204, 'busy', node='pve1', status='stopped')
    pve.ct(201).start_error = 'startup for container \'201\' failed'
    found = {
        'transient_503': {'method': 'GET', 'path': '/nodes/pve2/status', 'status': 503,
                          'message': 'busy', 'times': 2},
        'proxy_502_html': {'method': 'GET', 'path': '/nodes/pve1/qemu/101/status/current',
                           'status': 502, 'message': 'Bad Gateway', 'html': True},
        'snapshot_task_error': {'method': 'POST', 'path': '/nodes/pve2/lxc/202/snapshot',
                                'error': 'snapshot_feature_not_available'},
        'internal_500': {'method': 'GET', 'path': '/nodes/pve1/lxc/201/config',
                         'status': 500, 'message': 'internal error'},
    }
    for spec in found.values():
        apply_fail(pve, dict(spec))
    found.update({
        'start_task_error': {'method': 'POST', 'path': '/nodes/pve1/lxc/201/status/start',
                             'task_error': "startup for container '201' failed"},
        'ct_locked': {'vmid': 203, 'lock': 'backup', 'message': 'CT is locked (backup)'},
        'config_lock_held': {'vmid': 204, 'message': "can't lock file '/run/lock/lxc/pve-config-204.lock' "
                                                     '- got timeout'},
        'offline_node': {'node': 'pve3', 'status': 595},
    })
    ctx.extra['faults'] = found

    async def hold():
        await pve.hold_config_lock(204, None)
    ctx.after_start.append(hold)


@scenario('storage', 'basic plus a token that may upload to and download into storage local')
def storage(pve, ctx):
    basic(pve, ctx)
    # Upload needs Datastore.AllocateTemplate on the storage; download-url also Sys.Audit and
    # Sys.Modify on / (or Sys.AccessNetwork on the node, which fakepve does not check).
    ctx.token(pve, UPLOAD_TOKEN, [('/storage/local', ('Datastore.AllocateTemplate', 'Datastore.Audit')),
                                  ('/', ('Sys.Audit', 'Sys.Modify'))])
    ctx.extra['upload_token'] = UPLOAD_TOKEN


@scenario('agent', 'basic with a running guest agent on VM 100 and a hanging one on VM 102')
def agent(pve, ctx):
    basic(pve, ctx)
    # fakepve runs nothing: exec answers come from this table, keyed by the joined argv.
    pve.vm(100).agent = {
        'files': {'/etc/hostname': 'vm-app\n'},
        'exec': {'uname -r': {'exitcode': 0, 'out-data': '6.12.0\n', 'err-data': ''},
                 'false': {'exitcode': 1, 'out-data': '', 'err-data': 'failed\n'}},
        'interfaces': [
            {'name': 'lo', 'hardware-address': '00:00:00:00:00:00',
             'ip-addresses': [{'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', 'prefix': 8}]},
            {'name': 'eth0', 'hardware-address': 'bc:24:11:2a:00:64',
             'ip-addresses': [{'ip-address': 'fe80::be24:11ff:fe2a:64', 'ip-address-type': 'ipv6', 'prefix': 64},
                              {'ip-address': '2001:db8::64', 'ip-address-type': 'ipv6', 'prefix': 64},
                              {'ip-address': '192.0.2.100', 'ip-address-type': 'ipv4', 'prefix': 24}]}],
    }
    pve.vm(102).agent = {}
    pve.vm(102).agent_hangs = True
    ctx.extra['agent'] = {'running': 100, 'stopped': 101, 'hanging': 102}


# ----------------------------------------------------------------------------- control

def apply_fail(pve, spec):
    """pve.fail from a dict: method, path, and status+message or error (a fakepve error name)."""
    return pve.fail(spec.pop('method').upper(), spec.pop('path'), status=spec.pop('status', None),
                    message=spec.pop('message', None), html=bool(spec.pop('html', False)),
                    error=spec.pop('error', None), times=spec.pop('times', None))


def parse_fail_flag(text):
    """'GET /nodes/pve1/status status=503 message=busy times=2' (or error=NAME) as a fail spec."""
    words = text.split()
    if len(words) < 3:
        raise argparse.ArgumentTypeError('--fail wants "METHOD PATH key=value..."')
    spec = {'method': words[0], 'path': words[1]}
    for word in words[2:]:
        key, eq, value = word.partition('=')
        if not eq or key not in ('status', 'message', 'error', 'times', 'html'):
            raise argparse.ArgumentTypeError('bad --fail item {0!r}'.format(word))
        spec[key] = int(value) if key in ('status', 'times') else value.replace('+', ' ')
    return spec


def key_secs(text, keys):
    key, eq, secs = text.partition('=')
    if not eq or key not in keys:
        raise argparse.ArgumentTypeError('want KEY=SECS with KEY one of ' + ', '.join(keys))
    return key, float(secs)


async def control(pve, cmd):
    """Run one control command; returns a JSON-able result."""
    op = cmd.pop('op', None)
    if op == 'ping':
        return 'pong'
    if op == 'fail':
        apply_fail(pve, cmd)
        return None
    if op == 'clear_failures':
        pve.failures.clear()
        return None
    if op == 'time_scale':
        pve.time_scale = float(cmd['value'])
        return None
    if op == 'ct_secs':
        for key, secs in cmd['secs'].items():
            key_secs('{0}={1}'.format(key, secs), CT_SECS_KEYS)
            pve.ct_secs[key] = float(secs)
        return dict(pve.ct_secs)
    if op == 'guest_secs':
        guest = pve.guest(int(cmd['vmid']))
        for key, secs in cmd['secs'].items():
            key_secs('{0}={1}'.format(key, secs), GUEST_SECS_KEYS)
            setattr(guest, key + '_secs', float(secs))
        return None
    if op == 'node_offline':
        pve.set_node_offline(cmd['node'], bool(cmd.get('offline', True)))
        return None
    if op in ('lose_quorum', 'regain_quorum', 'revoke_tickets'):
        getattr(pve, op)()
        return None
    if op == 'hold_config_lock':
        await pve.hold_config_lock(int(cmd['vmid']), cmd.get('secs'))
        return None
    if op in ('release_config_lock', 'unlock'):
        getattr(pve, op)(int(cmd['vmid']))
        return None
    if op == 'add_token':
        # One token on several servers that stand for the nodes of one cluster (tests/it/cluster);
        # token and user get the same grants on '/'. The secret arrives on stdin, never in argv.
        tokenid = cmd['id']
        pve.apitokens[tokenid] = cmd['secret']
        privs = tuple(cmd.get('privs') or AGENT_PRIVS)
        pve.grant(tokenid, '/', *privs)
        pve.grant(tokenid.split('!', 1)[0], '/', *privs)
        return None
    if op == 'set_lock':
        pve.snapshot_lock(int(cmd['vmid']), cmd.get('lock', 'snapshot'))
        return None
    if op == 'flaky_network':
        # Drop (reset) or hang a share of the requests that arrive from now on; 0/0 heals.
        pve.flaky_network(drop_rate=float(cmd.get('drop_rate', 0)), hang_rate=float(cmd.get('hang_rate', 0)),
                          hang_secs=float(cmd.get('hang_secs', 120)), seed=cmd.get('seed'))
        return None
    if op == 'slow_network':
        pve.slow_network(float(cmd['latency']), float(cmd.get('jitter', 0)), node=cmd.get('node'))
        return None
    if op == 'count':
        # Requests recorded for one method and path (below /api2/json, or a suffix of it).
        # fakepve records a request once it is past network trouble: a dropped one never is, a
        # hanging one only when its hang ends.
        method, suffix = cmd['method'].upper(), cmd['path']
        return sum(1 for m, p, _ in pve.requests if m == method and p.endswith(suffix))
    if op == 'issued_tickets':
        return [list(pair) for pair in ISSUED]
    if op == 'requests':
        # Method and path only: bodies stay inside fakepve.
        return {'count': len(pve.requests), 'last': [[m, p] for m, p, _ in pve.requests[-int(cmd.get('n', 20)):]]}
    raise ValueError('unknown op {0!r}'.format(op))


def stdin_is_pipe():
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


EXIT_NOT_INSTALLED = 3  # the harness reads this exit code as "fakepve is not installed"
WANT_VERSION = '0.5.0'


async def serve(args, out):
    from fakepve import FakePve, __version__
    from fakepve.certs import make_cert

    if __version__ != WANT_VERSION:
        log('warning: fakepve {0} found, the tests are written against {1}'.format(__version__, WANT_VERSION))
    build, _ = SCENARIOS[args.scenario]
    password = secrets.token_urlsafe(18)
    pve = FakePve(user='root@pam', password=password, host=args.host, port=args.port)
    ctx = Ctx(args.scenario, args)
    remember_tickets(pve)
    build(pve, ctx)
    if args.time_scale is not None:
        pve.time_scale = args.time_scale
    for key, secs in args.ct_secs:
        pve.ct_secs[key] = secs
    for vmid, key, secs in args.guest_secs:
        setattr(pve.guest(vmid), key + '_secs', secs)
    if args.lock_wait is not None:
        pve.lock_wait = args.lock_wait
    for spec in args.fail:
        apply_fail(pve, dict(spec))

    own_dir = args.state_dir is None
    state_dir = tempfile.mkdtemp(prefix='fakepve-') if own_dir else args.state_dir
    os.makedirs(state_dir, exist_ok=True)
    try:
        certfile, keyfile, der = make_cert(state_dir, name='fakepve', hosts=(args.host,))
        await pve.start(certfile, keyfile)
        os.remove(keyfile)  # loaded; nobody else needs it
        for hook in ctx.after_start:
            await hook()
        digest = hashlib.sha256(der).hexdigest().upper()
        ready = {
            'scenario': args.scenario,
            'url': pve.url,
            'host': pve.host,
            'port': pve.port,
            'ca_pem_path': os.path.abspath(certfile),
            'fingerprint': ':'.join(digest[i:i + 2] for i in range(0, 64, 2)),
            'user': pve.user,
            'password': password,
            'node': ctx.node,
            'token_id': AGENT_TOKEN,
            'token_secret': pve.apitokens[AGENT_TOKEN],
            'audit_token_id': AUDIT_TOKEN,
            'audit_token_secret': pve.apitokens[AUDIT_TOKEN],
            'tokens': ctx.tokens,
            'users': ctx.users,
            'time_scale': pve.time_scale,
            'ct_secs': pve.ct_secs,
            'pid': os.getpid(),
            'fakepve_version': __version__,
            'extra': ctx.extra,
        }
        out.write(json.dumps(ready) + '\n')
        out.flush()
        log('{0} ready on {1} (time_scale {2})'.format(args.scenario, pve.url, pve.time_scale))
        await run_until_stopped(pve, out)
    finally:
        await pve.stop()
        if own_dir:
            shutil.rmtree(state_dir, ignore_errors=True)
        log('stopped')


async def run_until_stopped(pve, out):
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if stdin_is_pipe():
        lines = asyncio.Queue()

        def readable():
            line = sys.stdin.buffer.readline()
            lines.put_nowait(line)
            if not line:
                loop.remove_reader(sys.stdin.fileno())
        loop.add_reader(sys.stdin.fileno(), readable)

        async def commands():
            while True:
                line = await lines.get()
                if not line:
                    stop.set()
                    return
                if not line.strip():
                    continue
                try:
                    answer = {'ok': True, 'result': await control(pve, json.loads(line))}
                except Exception as e:  # noqa: BLE001 - every failure is an answer
                    answer = {'ok': False, 'error': '{0}: {1}'.format(type(e).__name__, e)}
                out.write(json.dumps(answer) + '\n')
                out.flush()
        task = asyncio.ensure_future(commands())
        await stop.wait()
        task.cancel()
    else:
        await stop.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description='Start fakepve with a named test scenario.')
    parser.add_argument('scenario', nargs='?', help='scenario name (--list shows them)')
    parser.add_argument('--list', action='store_true', help='list the scenarios and exit')
    parser.add_argument('--host', default='127.0.0.1', help='loopback address to bind (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='port (default 0: any free port)')
    parser.add_argument('--time-scale', type=float, help='real seconds per PVE second (0: tasks end at once)')
    parser.add_argument('--ct-secs', action='append', default=[], metavar='KIND=SECS',
                        type=lambda t: key_secs(t, CT_SECS_KEYS),
                        help='PVE seconds an LXC task kind runs: ' + ', '.join(CT_SECS_KEYS))
    parser.add_argument('--guest-secs', action='append', default=[], metavar='VMID:KIND=SECS',
                        type=lambda t: (int(t.split(':', 1)[0]),) + key_secs(t.split(':', 1)[1], GUEST_SECS_KEYS),
                        help='PVE seconds a guest start/stop/shutdown takes')
    parser.add_argument('--lock-wait', type=float, help='PVE seconds a task waits for a config lock (10)')
    parser.add_argument('--fail', action='append', default=[], type=parse_fail_flag,
                        metavar='"METHOD PATH key=value..."',
                        help='inject a failure: status=, message= (+ for spaces), error=NAME, times=, html=1')
    parser.add_argument('--state-dir', help='directory for the certificate (default: a temporary one)')
    args = parser.parse_args(argv)
    if args.list:
        for name, (_, summary) in SCENARIOS.items():
            print('{0:10} {1}'.format(name, summary))
        return 0
    if args.scenario not in SCENARIOS:
        parser.error('unknown scenario {0!r}; one of: {1}'.format(args.scenario, ', '.join(SCENARIOS)))
    try:
        import fakepve  # noqa: F401
        import cryptography  # noqa: F401 - the [crypto] extra, for fakepve.certs.make_cert
    except ImportError as e:
        log('fakepve[crypto] is not installed in {0}: {1}'.format(sys.executable, e))
        return EXIT_NOT_INSTALLED
    # stdout is the protocol channel: keep anything else (stray prints) off it.
    out, sys.stdout = sys.stdout, sys.stderr
    try:
        asyncio.run(serve(args, out))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
