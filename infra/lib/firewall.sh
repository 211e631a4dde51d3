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
    outcome "INPUT -i brs-+ -> $BERTH_FW_CHAIN (only $mirror:$BERTH_REGISTRY_PORT allowed)"
}
