# Berth: point the docker CLI at the learner's own (rootless) daemon.
if [ "$(id -u)" -ne 0 ]; then
    export XDG_RUNTIME_DIR="/run/user/$(id -u)"
    export DOCKER_HOST="unix:///run/user/$(id -u)/docker.sock"
fi
export LANG="${LANG:-C.UTF-8}"
# Login shells are not started by login(1) here, so show the motd ourselves.
case $- in
    *i*) [ -r /etc/motd ] && cat /etc/motd ;;
esac
