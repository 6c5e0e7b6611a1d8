//! Opens a console and bridges it to this terminal, in line mode: what you type is sent when
//! you press Enter, and everything the console prints appears as it arrives. (The workspace
//! has no terminal crate for raw mode, so keys such as Tab or Ctrl-C are not passed through;
//! end the session with Ctrl-D, or `exit` in the shell.)
//!
//! `PVE_URL=https://pve1:8006 PVE_USER=root@pam PVE_PASSWORD=… PVE_FINGERPRINT=AA:… \
//!  PVE_NODE=pve1 cargo run -p proxmox-sdk --features console --example console -- \
//!  [node | lxc VMID | qemu VMID]`
//!
//! Consoles need a ticket login: PVE refuses websockets to API tokens.

mod common;

use proxmox_sdk::console::ConsoleTarget;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::ticket_client()?;
    let node = common::node();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let vmid = || -> Result<u32, Box<dyn std::error::Error>> {
        Ok(args.get(1).ok_or("give the VMID")?.parse()?)
    };
    let target = match args.first().map(String::as_str) {
        None | Some("node") => ConsoleTarget::node_shell(&node),
        Some("lxc") => ConsoleTarget::lxc(&node, vmid()?),
        Some("qemu") => ConsoleTarget::qemu_serial(&node, vmid()?),
        Some(other) => return Err(format!("unknown console {other:?}: node, lxc or qemu").into()),
    };
    let mut console = client.console(target).await?;
    let cols = env_size("COLUMNS", 80);
    let rows = env_size("LINES", 24);
    console.resize(cols, rows).await?;
    let (mut from_console, mut to_console) = tokio::io::split(console);

    let output = async {
        let mut stdout = tokio::io::stdout();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = from_console.read(&mut buf).await?;
            if n == 0 {
                return Ok::<_, std::io::Error>(());
            }
            stdout.write_all(&buf[..n]).await?;
            stdout.flush().await?;
        }
    };
    let input = async {
        let mut stdin = tokio::io::stdin();
        let mut buf = vec![0u8; 4096];
        loop {
            let n = stdin.read(&mut buf).await?;
            if n == 0 {
                return to_console.shutdown().await;
            }
            to_console.write_all(&buf[..n]).await?;
            to_console.flush().await?;
        }
    };
    // The session ends when the console closes (or stdin ends and the close is sent).
    tokio::select! {
        done = output => done?,
        done = input => done?,
    }
    Ok(())
}

fn env_size(name: &str, default: u16) -> u16 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
