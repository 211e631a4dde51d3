# shellcheck shell=bash
# Sandboxes must not reach host services, except the registry mirror.
# Every session bridge is named brs-* (the agent names them so); packets that
# arrive from one and open a NEW connection to the host are dropped.

BERTH_FW_CHAIN=BERTH-SANDBOX-IN

ensure_firewall() { # MIRROR_ADDR
    local mirror=$1
    iptables -n -L "$BERTH_FW_CHAIN" >/dev/null 2>&1 || iptables -N "$BERTH_FW_CHAIN"
    iptables -F "$BERTH_FW_CHAIN"
    iptables -A "$BERTH_FW_CHAIN" -d "$mirror" -p tcp --dport "$BERTH_REGISTRY_PORT" -j ACCEPT
    iptables -A "$BERTH_FW_CHAIN" -m conntrack --ctstate NEW -j DROP
    iptables -C INPUT -i brs-+ -j "$BERTH_FW_CHAIN" 2>/dev/null ||
        iptables -I INPUT 1 -i brs-+ -j "$BERTH_FW_CHAIN"
    # IPv6: the engine disables it inside sandboxes today; drop it here too.
    ip6tables -n -L "$BERTH_FW_CHAIN" >/dev/null 2>&1 || ip6tables -N "$BERTH_FW_CHAIN"
    ip6tables -F "$BERTH_FW_CHAIN"
    ip6tables -A "$BERTH_FW_CHAIN" -m conntrack --ctstate NEW -j DROP
    ip6tables -C INPUT -i brs-+ -j "$BERTH_FW_CHAIN" 2>/dev/null ||
        ip6tables -I INPUT 1 -i brs-+ -j "$BERTH_FW_CHAIN"
    ensure_forward_filter
    outcome "INPUT -i brs-+ -> $BERTH_FW_CHAIN (only $mirror:$BERTH_REGISTRY_PORT allowed; IPv6 dropped)," \
        "FORWARD -i brs-+ -> $BERTH_FW_OUT_CHAIN (no private, link-local or metadata addresses)"
}

# Traffic a session sends THROUGH the host: no cloud metadata service, no other
# machine of the operator's private networks, no other session. The public
# internet stays reachable (for a deployment that has it).
BERTH_FW_OUT_CHAIN=BERTH-SANDBOX-OUT
ensure_forward_filter() {
    local net ns
    iptables -n -L DOCKER-USER >/dev/null 2>&1 || iptables -N DOCKER-USER
    iptables -n -L "$BERTH_FW_OUT_CHAIN" >/dev/null 2>&1 || iptables -N "$BERTH_FW_OUT_CHAIN"
    iptables -F "$BERTH_FW_OUT_CHAIN"
    # Docker's embedded DNS forwards a container's queries from the container's own
    # network namespace, so the host's resolvers (often on a private address) stay open.
    for ns in $(awk '$1 == "nameserver" && $2 ~ /^[0-9.]+$/ { print $2 }' /etc/resolv.conf); do
        iptables -A "$BERTH_FW_OUT_CHAIN" -d "$ns" -p udp --dport 53 -j RETURN
        iptables -A "$BERTH_FW_OUT_CHAIN" -d "$ns" -p tcp --dport 53 -j RETURN
    done
    for net in 169.254.0.0/16 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 100.64.0.0/10; do
        iptables -A "$BERTH_FW_OUT_CHAIN" -d "$net" -m conntrack --ctstate NEW -j DROP
    done
    iptables -C DOCKER-USER -i brs-+ -j "$BERTH_FW_OUT_CHAIN" 2>/dev/null ||
        iptables -I DOCKER-USER 1 -i brs-+ -j "$BERTH_FW_OUT_CHAIN"
}
