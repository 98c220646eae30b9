"""Debian's Dovecot as a throwaway IMAP server: own config, loopback port, one passwd-file user.

Run as root (as here) the mail belongs to the unprivileged ``dovecot`` user; run as anyone else
it belongs to that user. Nothing is installed as a service: ``dovecot -c FILE`` starts it and
``dovecot -c FILE stop`` ends it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER, PASSWORD = "helpline", "imap-test-password"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
service anvil {{
  chroot =
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    """An IMAP server on 127.0.0.1:``port`` with the mailbox of ``USER``."""

    def __init__(self):
        # A directory of its own under /tmp: Dovecot's auth process (another user) must reach it.
        self.root, self.port = Path(tempfile.mkdtemp(prefix="dovecot-")), _free_port()
        self.root.chmod(0o755)
        self.config = self.root / "dovecot.conf"

    def start(self) -> Dovecot:
        owner = pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        for name in ("run", "state", "mail"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        shutil.chown(self.root / "mail", owner.pw_uid, owner.pw_gid)
        (self.root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        self.config.write_text(CONFIG.format(root=self.root, port=self.port, uid=owner.pw_uid,
                                             gid=owner.pw_gid))
        subprocess.run(["/usr/sbin/dovecot", "-c", str(self.config)], check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start: see {self.root / 'dovecot.log'}")

    def stop(self) -> None:
        subprocess.run(["/usr/sbin/dovecot", "-c", str(self.config), "stop"], check=False)
        shutil.rmtree(self.root, ignore_errors=True)
