#!/bin/sh
# The API side of felhom-agent's process model: a role with exactly the privileges the agent's
# API layer needs, a user, a privilege-separated token, and the ACLs. Run once as root on one
# node of the cluster (`felhom-agent print pveum-role | sh -e`); the token secret is printed
# once by `pveum user token add` — store the whole token as one line in the systemd credential
# file, never in the unit or the config file:
#   install -m 0600 -o root /dev/null /etc/felhom-agent/proxmox-token
#   printf '%s\n' 'felhom-agent@pve!agent=SECRET' > /etc/felhom-agent/proxmox-token
#
# With --privsep 1 the token's rights are the intersection of the user's and its own, so the
# role is granted to BOTH on the same path; granting it only to one leaves every call a 403.
# The 16 privileges: VM.Config.CPUMemory does not exist (CPU and memory are VM.Config.CPU and
# VM.Config.Memory); SDN.Use is required to attach a guest NIC to a bridge.
set -eu

pveum role add FelhomAgent -privs "VM.Allocate VM.Audit VM.Config.Disk VM.Config.CPU VM.Config.Memory VM.Config.Network VM.Config.Options VM.PowerMgmt VM.Snapshot VM.Snapshot.Rollback VM.Backup Datastore.Allocate Datastore.AllocateSpace Datastore.Audit Sys.Audit SDN.Use"
pveum user add felhom-agent@pve --comment "Felhom host agent (API token only, no password)"
pveum user token add felhom-agent@pve agent --privsep 1 --comment "felhom-agent"
pveum acl modify / -user 'felhom-agent@pve' -role FelhomAgent
pveum acl modify / -token 'felhom-agent@pve!agent' -role FelhomAgent
