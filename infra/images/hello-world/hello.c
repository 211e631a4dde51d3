/* Berth's hello-world: our own words, printed by a tiny static binary. */
#include <unistd.h>

static const char message[] =
    "\n"
    "Hello from Berth!\n"
    "\n"
    "Your Docker works. Here is what just happened:\n"
    "  1. The docker command asked the Docker daemon in your sandbox to run \"hello-world\".\n"
    "  2. The daemon did not have that image, so it pulled it from Berth's offline\n"
    "     registry (a mirror on this machine; no internet was involved).\n"
    "  3. It created a container from the image and started this small program in it.\n"
    "  4. The program wrote these lines; the daemon streamed them back to your terminal.\n"
    "\n"
    "Next, try something bigger:  docker run -it --rm debian:bookworm bash\n"
    "\n";

int main(void) {
    ssize_t done = 0, n;
    while (done < (ssize_t)sizeof message - 1) {
        n = write(1, message + done, sizeof message - 1 - done);
        if (n <= 0) return 1;
        done += n;
    }
    return 0;
}
