/*
 * rqc-measure: runs one benchmark case's iterations and reports each one, so that the timing
 * never passes through Node's event loop. Node starts this program once per case (on the host,
 * or with `docker exec` inside the run's container) and only reads its output.
 *
 *   rqc-measure [--iterations N] [--timeout-ms MS] [--cwd DIR] [--oom-file PATH] [--stop-on-failure] [--die-with-parent] -- ARGV...
 *   rqc-measure --idle          (a container's PID 1: reaps children, exits on SIGTERM)
 *   rqc-measure --version
 *   rqc-measure --read-oom-kills FILE   (prints the oom_kill count of a cgroup v1 memory.oom_control
 *                                        or v2 memory.events file, -1 when there is none)
 *
 * Each iteration is started with posix_spawn (vfork-like, so spawning is cheap) in its own
 * process group, with stdin/stdout/stderr on /dev/null, and collected with wait4, whose rusage
 * is that child's (and its waited-for descendants') own: ru_maxrss is the peak RSS of THIS
 * iteration, not a high-water mark over all children so far. Wall time is CLOCK_MONOTONIC
 * around spawn + wait. A timeout kills the iteration's whole process group. The helper stops
 * after an iteration that timed out or was OOM-killed, and with --stop-on-failure after any
 * non-zero exit or signal. An iteration is OOM-killed when it failed and the --oom-file's
 * oom_kill count rose while it ran (read before and after each iteration).
 *
 * Output, one tab-separated line per iteration (flushed at most every 100 ms, and at the end):
 *   R <index> <wall_ns> <user_us> <system_us> <maxrss_kib> <exit_code> <signal> <timed_out> <oom> <end_unix_ms>
 * exit_code is -1 when killed by a signal. A spawn failure prints `E <errno text>` and exits 127.
 * The last line is `D <iterations done>`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RQC_MEASURE_VERSION "1"

extern char **environ;

static volatile sig_atomic_t child_pgid = 0;
static volatile sig_atomic_t timed_out = 0;
static volatile sig_atomic_t stop_signal = 0;

static void on_alarm(int sig) {
	(void)sig;
	timed_out = 1;
	if (child_pgid > 0) kill(-child_pgid, SIGKILL);
}

static void on_stop(int sig) {
	stop_signal = sig;
	if (child_pgid > 0) kill(-child_pgid, SIGKILL);
}

static long long now_unix_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static long long now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Reads the `oom_kill N` counter of a cgroup file (v1 memory.oom_control, v2 memory.events). */
static long long read_oom_kills(const char *path) {
	if (path == NULL) return -1;
	FILE *f = fopen(path, "r");
	if (f == NULL) return -1;
	char key[64];
	long long value;
	long long found = -1;
	while (fscanf(f, "%63s %lld", key, &value) == 2) {
		if (strcmp(key, "oom_kill") == 0) found = value;
	}
	fclose(f);
	return found;
}

static int run_idle(void) {
	/* PID 1 of a benchmark container: reap every orphan, leave on SIGTERM/SIGINT. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		int sig = 0;
		sigwait(&set, &sig);
		if (sig == SIGCHLD) {
			while (waitpid(-1, NULL, WNOHANG) > 0) {
			}
			continue;
		}
		return 0;
	}
}

static void usage(void) {
	fprintf(stderr, "usage: rqc-measure [--iterations N] [--timeout-ms MS] [--cwd DIR] [--oom-file PATH] [--stop-on-failure] [--die-with-parent] -- ARGV...\n");
}

int main(int argc, char **argv) {
	long iterations = 1;
	long timeout_ms = 0;
	const char *cwd = NULL;
	const char *oom_file = NULL;
	int stop_on_failure = 0;
	int die_with_parent = 0;
	int i = 1;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("rqc-measure %s\n", RQC_MEASURE_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--idle") == 0) {
			return run_idle();
		} else if (strcmp(argv[i], "--read-oom-kills") == 0 && i + 1 < argc) {
			/* What the measuring loop reads, for tests: the oom_kill count, -1 when unreadable. */
			printf("%lld\n", read_oom_kills(argv[i + 1]));
			return 0;
		} else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
			iterations = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc) {
			timeout_ms = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--cwd") == 0 && i + 1 < argc) {
			cwd = argv[++i];
		} else if (strcmp(argv[i], "--oom-file") == 0 && i + 1 < argc) {
			oom_file = argv[++i];
		} else if (strcmp(argv[i], "--stop-on-failure") == 0) {
			stop_on_failure = 1;
		} else if (strcmp(argv[i], "--die-with-parent") == 0) {
			die_with_parent = 1;
		} else {
			usage();
			return 2;
		}
	}
	if (i >= argc || iterations < 1) {
		usage();
		return 2;
	}
	char **command = &argv[i];

	/* A stop signal kills the running iteration's group first. On the host the helper also dies
	 * with its parent (Node); not under `docker exec`, whose parent (runc) exits right away. */
	struct sigaction stop = {0};
	stop.sa_handler = on_stop;
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGHUP, &stop, NULL);
	if (die_with_parent) {
		pid_t parent = getppid();
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent) return 130; /* the parent died before prctl took hold */
	}

	struct sigaction alarm_action = {0};
	alarm_action.sa_handler = on_alarm; /* no SA_RESTART: wait4 returns EINTR, then we wait again */
	sigaction(SIGALRM, &alarm_action, NULL);

	static char out_buffer[1 << 16];
	setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);

	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
	if (cwd != NULL) posix_spawn_file_actions_addchdir_np(&actions, cwd);

	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t default_signals;
	sigemptyset(&default_signals);
	sigaddset(&default_signals, SIGTERM);
	sigaddset(&default_signals, SIGINT);
	sigaddset(&default_signals, SIGHUP);
	sigaddset(&default_signals, SIGALRM);
	sigset_t empty_mask;
	sigemptyset(&empty_mask);
	posix_spawnattr_setsigdefault(&attr, &default_signals);
	posix_spawnattr_setsigmask(&attr, &empty_mask);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

	long long last_flush = now_ns();
	long done = 0;
	for (long n = 0; n < iterations && stop_signal == 0; n++) {
		long long oom_before = read_oom_kills(oom_file);
		timed_out = 0;
		pid_t pid;
		long long start = now_ns();
		int rc = posix_spawnp(&pid, command[0], &actions, &attr, command, environ);
		if (rc != 0) {
			fflush(stdout);
			printf("E\tcannot start %s: %s\n", command[0], strerror(rc));
			fflush(stdout);
			return 127;
		}
		child_pgid = pid;
		if (timeout_ms > 0) {
			struct itimerval timer = {{0, 0}, {timeout_ms / 1000, (timeout_ms % 1000) * 1000}};
			setitimer(ITIMER_REAL, &timer, NULL);
		}
		int status = 0;
		struct rusage usage;
		pid_t waited;
		do {
			waited = wait4(pid, &status, 0, &usage);
		} while (waited < 0 && errno == EINTR);
		long long end = now_ns();
		if (timeout_ms > 0) {
			struct itimerval off = {{0, 0}, {0, 0}};
			setitimer(ITIMER_REAL, &off, NULL);
		}
		if (timed_out) kill(-pid, SIGKILL); /* anything left of the tree */
		child_pgid = 0;
		if (waited < 0) {
			printf("E\twait4 failed: %s\n", strerror(errno));
			fflush(stdout);
			return 1;
		}
		long long oom_after = read_oom_kills(oom_file);
		int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		int signal_number = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		/* The cgroup's kill count rose during a failed iteration: the kernel killed one of its
		 * processes, which may be a child (a shell then exits 137, it is not itself signalled). */
		int oom = oom_before >= 0 && oom_after > oom_before && (signal_number != 0 || exit_code != 0) && !timed_out;
		long long user_us = (long long)usage.ru_utime.tv_sec * 1000000LL + usage.ru_utime.tv_usec;
		long long system_us = (long long)usage.ru_stime.tv_sec * 1000000LL + usage.ru_stime.tv_usec;
		printf("R\t%ld\t%lld\t%lld\t%lld\t%ld\t%d\t%d\t%d\t%d\t%lld\n", n, end - start, user_us, system_us,
			usage.ru_maxrss, exit_code, signal_number, timed_out ? 1 : 0, oom, now_unix_ms());
		done++;
		if (timed_out || oom || (stop_on_failure && (exit_code != 0 || signal_number != 0))) break;
		if (end - last_flush >= 100000000LL) {
			fflush(stdout);
			last_flush = end;
		}
	}
	printf("D\t%ld\n", done);
	fflush(stdout);
	return stop_signal != 0 ? 128 + stop_signal : 0;
}
