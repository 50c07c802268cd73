# The observer: run as the container's process under runc and under jaula alike (busybox sh). It writes what the
# container sees to /conformance-out/report (a bind mount), then waits so the host can read its cgroup limits.
exec 3>/conformance-out/report.tmp
section() { echo "## $1" >&3; }
section status;   grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Umask):' /proc/$$/status >&3
section id;       id >&3 2>&1
section hostname; hostname >&3 2>&1
section domainname; cat /proc/sys/kernel/domainname >&3 2>&1
section limits;   cat /proc/$$/limits >&3
section env;      tr '\0' '\n' < /proc/$$/environ | sort >&3
section cwd;      readlink /proc/$$/cwd >&3
section oom_score_adj; cat /proc/$$/oom_score_adj >&3
section namespaces; for ns in /proc/$$/ns/*; do echo "${ns##*/} $(readlink $ns)"; done >&3
section cgroup;   cat /proc/$$/cgroup >&3
section sysctl
for key in kernel/shmmax kernel/msgmax net/ipv4/ip_forward net/core/somaxconn; do echo "$key $(cat /proc/sys/$key 2>&1)"; done >&3
section dev;      for f in /dev/* /dev/pts/ptmx; do stat -c '%n %F %a %u:%g %t:%T' "$f"; done >&3 2>&1
section writable; for d in / /tmp /etc /bin /dev/shm /data /data-ro /scratch; do [ -d "$d" ] || continue; if touch "$d/.probe" 2>/dev/null; then rm -f "$d/.probe"; echo "$d rw"; else echo "$d ro"; fi; done >&3
section masked
for f in /proc/kcore /proc/keys /proc/timer_list /proc/uptime /etc/passwd; do echo "$f $(head -c 16 "$f" 2>/dev/null | wc -c) bytes readable"; done >&3
for d in /sys/firmware /etc; do echo "$d $(ls -A "$d" 2>/dev/null | wc -l) entries"; done >&3
section mountinfo; cat /proc/$$/mountinfo >&3
exec 3>&-
mv /conformance-out/report.tmp /conformance-out/report
exec sleep 600
