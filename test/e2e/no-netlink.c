/*
 * Loaded into the test browser (LD_PRELOAD): Chromium's network service cannot open a
 * NETLINK_ROUTE socket, so it assumes it is always online instead of watching the
 * host's interfaces. The tests run the browser on the machine where the agent makes a
 * bridge network (and its veth pairs) for every sandbox; Chromium took each new
 * address for a network change and failed the requests in flight with
 * ERR_NETWORK_CHANGED (a script chunk lost, a page that never became interactive).
 * A learner's browser is on another machine and never sees these interfaces.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/netlink.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol) {
  static int (*real_socket)(int, int, int);
  if (domain == AF_NETLINK && protocol == NETLINK_ROUTE) {
    errno = EAFNOSUPPORT;
    return -1;
  }
  if (!real_socket) real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
  return real_socket(domain, type, protocol);
}
