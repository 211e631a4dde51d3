# Berth's sandbox seccomp profile = Docker's default profile + two rules.
# Input: Docker's profiles/seccomp/default.json (Debian golang-github-docker-docker-dev).
# Drop any earlier copy of our rules so the program is idempotent.
.syscalls |= map(select((.comment // "") | startswith("berth:") | not))
| .syscalls += [
    {
      "names": ["keyctl", "add_key", "request_key"],
      "action": "SCMP_ACT_ERRNO",
      "errnoRet": 38,
      "comment": "berth: ENOSYS, so runc in the inner daemon skips the session keyring instead of failing with EPERM"
    },
    {
      "names": ["pivot_root"],
      "action": "SCMP_ACT_ALLOW",
      "includes": { "caps": ["CAP_SYS_ADMIN"] },
      "comment": "berth: the inner runc pivots into inner containers' roots (CAP_SYS_ADMIN is namespaced)"
    }
  ]
